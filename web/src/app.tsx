import { type ReactNode, useEffect, useState } from 'react';
import { type Me, MeProvider } from './access.js';
import { session } from './api.js';
import { FleetPage } from './pages/fleet.js';
import { MiningPage } from './pages/mining.js';
import { OrdersPage } from './pages/orders.js';
import { OverviewPage } from './pages/overview.js';
import { PlanningPage } from './pages/planning.js';
import { ReportsPage } from './pages/reports.js';
import { SignInPage } from './pages/signin.js';
import { SupplyPage } from './pages/supply.js';
import { Link, useLocation } from './router.js';
import { ErrorBoundary, useApi } from './ui.js';

interface Page {
  path: string;
  label: string;
  render: (rest: string) => ReactNode;
}

const PAGES: Page[] = [
  { path: '/', label: 'Overview', render: () => <OverviewPage /> },
  { path: '/orders', label: 'Order book', render: (rest) => <OrdersPage rest={rest} /> },
  { path: '/supply', label: 'Supply', render: () => <SupplyPage /> },
  { path: '/fleet', label: 'Fleet', render: (rest) => <FleetPage rest={rest} /> },
  { path: '/mining', label: 'Self-mining', render: () => <MiningPage /> },
  { path: '/planning', label: 'Planning', render: (rest) => <PlanningPage rest={rest} /> },
  { path: '/reports', label: 'Reports', render: () => <ReportsPage /> },
];

function pageFor(path: string): { page: Page; rest: string } | undefined {
  for (const page of [...PAGES].sort((a, b) => b.path.length - a.path.length)) {
    if (page.path === '/' ? path === '/' : path === page.path || path.startsWith(`${page.path}/`))
      return { page, rest: path.slice(page.path.length).replace(/^\//, '') };
  }
  return undefined;
}

export function App() {
  const [token, setToken] = useState(session.token());
  const { path } = useLocation();
  useEffect(() => session.onSignOut(() => setToken(null)), []);
  const me = useApi<Me>(token ? '/api/auth/me' : null).data;
  if (!token)
    return (
      <SignInPage
        onSignedIn={(t) => {
          session.signIn(t);
          setToken(t);
        }}
      />
    );
  const found = pageFor(path);
  return (
    <div className="shell">
      <a className="skip" href="#main">
        Skip to content
      </a>
      <header className="top">
        <Link to="/" className="brand">
          HashForge
        </Link>
        <nav aria-label="Main">
          <ul>
            {PAGES.map((p) => (
              <li key={p.path}>
                <Link to={p.path} aria-current={found?.page === p ? 'page' : undefined}>
                  {p.label}
                </Link>
              </li>
            ))}
          </ul>
        </nav>
        {me ? (
          <span className="muted" data-testid="signed-in-as">
            {me.id} · {me.role}
          </span>
        ) : null}
        <button type="button" className="link" onClick={() => session.signOut()}>
          Sign out
        </button>
      </header>
      <main id="main" tabIndex={-1}>
        <MeProvider value={me}>
          <ErrorBoundary resetKey={path}>
            {found ? (
              found.page.render(found.rest)
            ) : (
              <section className="card">
                <h1>Not found</h1>
                <p>
                  There is no page at {path}. <Link to="/">Go to the overview</Link>.
                </p>
              </section>
            )}
          </ErrorBoundary>
        </MeProvider>
      </main>
    </div>
  );
}
