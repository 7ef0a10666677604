import { existsSync, readdirSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const WEB = dirname(fileURLToPath(import.meta.url));
const BUILT = join(WEB, 'dist', 'index.html');

function newestSource(path: string): number {
  const s = statSync(path);
  if (!s.isDirectory()) return s.mtimeMs;
  return Math.max(0, ...readdirSync(path).map((name) => newestSource(join(path, name))));
}

/** True when web/dist is missing or older than a source of the dashboard. */
export function dashboardIsStale(): boolean {
  if (!existsSync(BUILT)) return true;
  const sources = ['src', 'index.html', 'vite.config.ts'].map((p) => newestSource(join(WEB, p)));
  return Math.max(...sources) > statSync(BUILT).mtimeMs;
}

/** Builds the dashboard into web/dist when it is missing or stale (or always, with force). */
export async function ensureDashboardBuilt(
  opts: { force?: boolean; quiet?: boolean } = {},
): Promise<boolean> {
  if (!opts.force && !dashboardIsStale()) return false;
  const { build } = await import('vite');
  // Vite decides dev or production JSX and React builds from NODE_ENV, which Vitest sets to "test".
  const nodeEnv = process.env.NODE_ENV;
  process.env.NODE_ENV = 'production';
  try {
    await build({
      configFile: join(WEB, 'vite.config.ts'),
      mode: 'production',
      logLevel: opts.quiet ? 'error' : 'warn',
    });
  } finally {
    if (nodeEnv === undefined) delete process.env.NODE_ENV;
    else process.env.NODE_ENV = nodeEnv;
  }
  return true;
}

// `tsx web/build.ts` (npm's prestart): build only when needed, so that `npm start` on a fresh clone
// serves the dashboard and a later start costs nothing.
if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const force = process.argv.includes('--force');
  const started = Date.now();
  const built = await ensureDashboardBuilt({ force });
  process.stdout.write(
    built ? `dashboard built into web/dist in ${Date.now() - started} ms\n` : 'dashboard is up to date\n',
  );
}
