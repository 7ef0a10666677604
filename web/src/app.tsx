import { lazy, type ReactNode, useEffect, useState } from 'react';
import { type Me, MeProvider } from './access.js';
import { session } from './api.js';
import { NotFound } from './not-found.js';
import { SignInPage } from './pages/signin.js';
import { knownQuarters } from './quarter.js';

// Each page is its own chunk, fetched when first opened: the first page loads only its own code.
const FleetPage = lazy(() => import('./pages/fleet.js').then((m) => ({ default: m.FleetPage })));
const MiningPage = lazy(() => import('./pages/mining.js').then((m) => ({ default: m.MiningPage })));
const OrdersPage = lazy(() => import('./pages/orders.js').then((m) => ({ default: m.OrdersPage })));
const OverviewPage = lazy(() => import('./pages/overview.js').then((m) => ({ default: m.OverviewPage })));
const ReportsPage = lazy(() => import('./pages/reports.js').then((m) => ({ default: m.ReportsPage })));
const SupplyPage = lazy(() => import('./pages/supply.js').then((m) => ({ default: m.SupplyPage })));
const AlertsPage = lazy(() => import('./pages/alerts.js').then((m) => ({ default: m.AlertsPage })));
const PlanningPage = lazy(() => import('./pages/planning.js').then((m) => ({ default: m.PlanningPage })));
const PeriodsPage = lazy(() => import('./pages/periods.js').then((m) => ({ default: m.PeriodsPage })));
const ServicePage = lazy(() => import('./pages/service.js').then((m) => ({ default: m.ServicePage })));

import { Link, useLocation } from './router.js';
import { ErrorBoundary, useApi } from './ui.js';

interface Page {
  path: string;
  label: string;
  /** Pages with pages under them (a contract, a machine) read the rest of the path themselves. */
  render: (rest: string) => ReactNode;
}

/** A page with nothing under it: any longer path is not one of its pages. */
const only = (page: ReactNode, label: string, path: string) => (rest: string) =>
  rest === '' ? (
    page
  ) : (
    <NotFound what={`There is no page at ${location.pathname}.`} back={{ to: path, label }} />
  );

const PAGES: Page[] = [
  { path: '/', label: 'Overview', render: only(<OverviewPage />, 'the overview', '/') },
  { path: '/orders', label: 'Order book', render: (rest) => <OrdersPage rest={rest} /> },
  { path: '/supply', label: 'Supply', render: only(<SupplyPage />, 'supply', '/supply') },
  { path: '/fleet', label: 'Fleet', render: (rest) => <FleetPage rest={rest} /> },
  { path: '/alerts', label: 'Alerts', render: only(<AlertsPage />, 'alerts', '/alerts') },
  { path: '/mining', label: 'Self-mining', render: only(<MiningPage />, 'self-mining', '/mining') },
  { path: '/service', label: 'Service', render: only(<ServicePage />, 'service', '/service') },
  { path: '/planning', label: 'Planning', render: (rest) => <PlanningPage rest={rest} /> },
  { path: '/reports', label: 'Reports', render: only(<ReportsPage />, 'reports', '/reports') },
  { path: '/books', label: 'Books', render: only(<PeriodsPage />, 'books', '/books') },
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
  // The quarters with data, asked while the first page's code loads: the quarter's pages wait for them.
  useEffect(() => {
    if (token) void knownQuarters();
  }, [token]);
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
            {found ? found.page.render(found.rest) : <NotFound what={`There is no page at ${path}.`} />}
          </ErrorBoundary>
        </MeProvider>
      </main>
    </div>
  );
}
