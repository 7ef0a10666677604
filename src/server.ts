import type { Config } from './app/config.js';
import type { AppContext } from './app/context.js';
import { announce } from './app/owner-lock.js';
import { openContext } from './app/root.js';
import { adminTokenFile, ensureLocalAdminToken } from './auth/local-admin.js';
import { progress } from './cli/progress.js';
import { startWireServer } from './db/socket-server.js';
import { DEMO_RACK, type DemoRack, startDemoRack } from './demo/fleet.js';
import { demoLoaded, loadDemo } from './demo/load.js';
import { carriedPollsWritten } from './fleet/carried.js';
import { pollerHeap } from './fleet/poller-heap.js';
import { buildHttpApp } from './http/app.js';
import { inProcess, serverJobs } from './jobs/boss.js';
import { AppError } from './kernel/errors.js';
import { modules } from './modules.js';

const LOCAL_ADMIN = { id: 'local:serve', role: 'admin' } as const;

/**
 * `hashforge serve`: the API (and dashboard) on PORT, with the modules' background work running.
 * On the embedded database it also opens a socket in the data directory, so that every other
 * `hashforge` command works beside it (db/socket-server.ts).
 */
export async function serve(config: Config, opts: { demo: boolean }): Promise<void> {
  const where = config.database.kind === 'embedded' ? config.database.dataDir : 'the PostgreSQL server';
  process.stderr.write(
    `HashForge is starting: opening the database (${where}) and bringing its schema up to date\n`,
  );
  const opened = await openContext(config, { command: 'serve', modules });
  const { ctx } = opened;
  // Its sweeps (the demo rack's, HASHFORGE_POLL_INTERVAL's) share the process with the API.
  pollerHeap.besideApi();
  const dataDir =
    config.database.kind === 'embedded' && config.database.dataDir !== 'memory'
      ? config.database.dataDir
      : undefined;
  const stops: (() => Promise<void>)[] = [];
  if (dataDir && opened.database.embedded) {
    stops.push(
      await startWireServer({
        ...opened.database.embedded,
        dir: dataDir,
        onError: (error) => ctx.log.warn({ err: error }, 'a connection through the socket failed'),
      }),
    );
    announce(dataDir, { socket: true });
  }
  const adminToken = dataDir ? await ensureLocalAdminToken(ctx, LOCAL_ADMIN, dataDir) : undefined;
  // Progress on the terminal, one line a step: what the first minute of a first start is spent on.
  if (opts.demo && !(await demoLoaded(ctx))) {
    await loadDemo(ctx, LOCAL_ADMIN, (line) => process.stderr.write(`${line}\n`), { progress });
  }
  const app = await buildHttpApp(ctx, modules, { logger: httpLogger(config.logLevel), documentNow: true });
  // Several `serve` on one PostgreSQL run each periodic task once between them (pg-boss); the
  // embedded database has one process, and a timer each.
  const jobs =
    config.database.kind === 'server' ? await serverJobs(config.database, ctx.log) : inProcess(ctx.log);
  stops.push(() => jobs.close());
  for (const start of await Promise.all(modules.map((m) => m.background?.()))) {
    if (start) stops.push(start(ctx, jobs));
  }
  // The demo rack's scan waits on the miners that never answer: it runs behind the start.
  const rack = opts.demo && config.demoMiners > 0 ? demoRack(ctx, config.demoMiners) : undefined;
  if (rack) stops.push(async () => (await rack)?.stop());
  const url = await app
    .listen({ port: config.port, host: config.host })
    .catch((error: NodeJS.ErrnoException) => {
      throw error.code === 'EADDRINUSE'
        ? new AppError(
            'unavailable',
            'serve.port-in-use',
            `Port ${config.port} is in use; set PORT to another one.`,
            'PORT',
          )
        : error;
    });
  const shown = url.replace('127.0.0.1', 'localhost');
  if (dataDir) announce(dataDir, { url: shown, socket: opened.database.embedded !== undefined });
  process.stdout.write(banner({ url: shown, dataDir, adminToken, rackOf: rack ? config.demoMiners : 0 }));
  const shutdown = async () => {
    for (const stop of stops.reverse()) await stop();
    await app.close();
    // A sweep asked through the API (POST /api/fleet/polls) may have ended during the close: its
    // readings carried past its end are stored before the database closes.
    await carriedPollsWritten(ctx.miners);
    await opened.close();
    process.exit(0);
  };
  process.once('SIGINT', () => void shutdown());
  process.once('SIGTERM', () => void shutdown());
}

/**
 * The rack's miners drawn offline never answer the scan, so they are never registered: no machine,
 * no poll and no alert (the offline alert watches registered machines that stop answering). Said
 * beside the count, since a person looking for their alert would otherwise find none and no reason.
 */
const unregistered = (rack: DemoRack) => {
  const missing = rack.machines - rack.found;
  return missing === 0
    ? ''
    : `; ${missing} simulated offline from the start never answered, so they are not registered and raise no alert (the demo's fault control takes a registered one offline: POST /api/demo/rack/machines/{id}/fault, or the machine page)`;
};

/** The demo's simulated rack; a server still starts without it (say, its addresses are taken). */
async function demoRack(ctx: AppContext, count: number): Promise<DemoRack | undefined> {
  try {
    const rack = await startDemoRack(ctx, LOCAL_ADMIN, { count });
    ctx.log.info(
      `demo fleet: ${rack.found} of ${rack.machines} simulated miners answered the scan; polled every ${rack.pollSeconds} s${unregistered(rack)}`,
    );
    return rack;
  } catch (error) {
    const said = `the demo fleet did not start: ${error instanceof Error ? error.message : String(error)}`;
    ctx.log.warn({ err: error }, said);
    // The banner promised the rack; a person reading the terminal, not the JSON log, must see this.
    process.stderr.write(`${said}\n`);
    return undefined;
  }
}

/**
 * What a person needs after start, printed last: where it is, how the CLI reaches it, and the
 * admin token on the start that made it (later starts say how to print it: a terminal's scrollback
 * or a service's log is no place to keep a secret on every start).
 */
export function banner(o: {
  url: string;
  dataDir: string | undefined;
  adminToken: { token: string; created: boolean } | undefined;
  rackOf: number;
}): string {
  return [
    `HashForge is up at ${o.url} (dashboard ${o.url}/, API ${o.url}/api, reference ${o.url}/api/docs)`,
    ...(o.rackOf > 0
      ? [
          `demo fleet: ${o.rackOf} simulated miners starting on loopback at site ${DEMO_RACK.site}, scanned behind the start and then polled every ${DEMO_RACK.pollSeconds} s (a line below says when they answer, or why they could not start); HASHFORGE_DEMO_MINERS=0 turns them off`,
        ]
      : []),
    `database: ${o.dataDir ? `embedded PGlite in ${o.dataDir}; other hashforge commands reach it through its socket there while this runs` : 'PostgreSQL server (DATABASE_URL)'}`,
    ...(o.adminToken?.created
      ? [
          `admin token (shown on the start that made it; \`hashforge token\` prints it again): ${o.adminToken.token}`,
          `try: curl -H "Authorization: Bearer ${o.adminToken.token}" ${o.url}/api/catalog/products`,
        ]
      : o.adminToken && o.dataDir
        ? [`admin token: kept in ${adminTokenFile(o.dataDir)}; \`hashforge token\` prints it`]
        : []),
    '',
  ].join('\n');
}

/**
 * Fastify's own logs: errors and warnings, and every request only when debugging, so that the
 * address and token printed at start stay on the screen. The application logs at LOG_LEVEL.
 */
function httpLogger(level: string): { level: string } {
  return { level: ['debug', 'trace'].includes(level) ? level : 'warn' };
}
