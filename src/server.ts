import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { readConfig } from './app/config.js';
import type { AppContext } from './app/context.js';
import { openApp } from './app/open.js';
import { announceUrl } from './app/owner-lock.js';
import { authenticate, createToken } from './auth/tokens.js';
import { DEMO_RACK, type DemoRack, startDemoRack } from './demo/fleet.js';
import { loadDemo } from './demo/load.js';
import { buildHttpApp } from './http/app.js';
import { AppError } from './kernel/errors.js';
import { modules } from './modules.js';

const LOCAL_ADMIN = { id: 'local:serve', role: 'admin' } as const;

/** `hashforge serve`: the API (and dashboard) on PORT, with the modules' background work running. */
export async function serve(opts: { demo: boolean }): Promise<void> {
  const config = readConfig();
  const opened = await openApp(config, { command: 'serve' });
  const { ctx } = opened;
  const adminToken =
    config.database.kind === 'embedded' && config.database.dataDir !== 'memory'
      ? await localAdminToken(ctx, config.database.dataDir)
      : undefined;
  if (opts.demo) await loadDemo(ctx, LOCAL_ADMIN, (line) => ctx.log.info(line));
  const app = await buildHttpApp(ctx, modules, { logger: { level: config.logLevel } });
  const stops = modules.flatMap((m) => (m.startBackground ? [m.startBackground(ctx)] : []));
  const rack = opts.demo && config.demoMiners > 0 ? await demoRack(ctx, config.demoMiners) : undefined;
  if (rack) stops.push(rack.stop);
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
  if (config.database.kind === 'embedded' && config.database.dataDir !== 'memory') {
    announceUrl(config.database.dataDir, shown);
  }
  process.stdout.write(
    [
      `HashForge is up at ${shown} (dashboard ${shown}/, API ${shown}/api, reference ${shown}/api/docs)`,
      ...(rack
        ? [
            `demo fleet: ${rack.machines} simulated miners on loopback at site ${DEMO_RACK.site} (${rack.found} answered the scan, the rest are simulated offline), polled every ${rack.pollSeconds} s; HASHFORGE_DEMO_MINERS=0 turns them off`,
          ]
        : []),
      `database: ${config.database.kind === 'embedded' ? `embedded PGlite in ${config.database.dataDir}` : 'PostgreSQL server (DATABASE_URL)'}`,
      ...(adminToken
        ? [
            `admin token: ${adminToken}`,
            `try: curl -H "Authorization: Bearer ${adminToken}" ${shown}/api/catalog/products`,
          ]
        : []),
      '',
    ].join('\n'),
  );
  const shutdown = async () => {
    for (const stop of stops) await stop();
    await app.close();
    await opened.close();
    process.exit(0);
  };
  process.once('SIGINT', () => void shutdown());
  process.once('SIGTERM', () => void shutdown());
}

/** The demo's simulated rack; a server still starts without it (say, its addresses are taken). */
async function demoRack(ctx: AppContext, count: number): Promise<DemoRack | undefined> {
  try {
    return await startDemoRack(ctx, LOCAL_ADMIN, { count });
  } catch (error) {
    ctx.log.warn(
      { err: error },
      `the demo fleet did not start: ${error instanceof Error ? error.message : String(error)}`,
    );
    return undefined;
  }
}

/**
 * The local user of an embedded database gets an admin token, kept in the data directory (readable
 * only by its owner) so that every start can print it; the database still stores only its hash.
 */
async function localAdminToken(ctx: AppContext, dataDir: string): Promise<string> {
  const file = join(dataDir, 'admin-token');
  if (existsSync(file)) {
    const token = readFileSync(file, 'utf8').trim();
    const valid = await authenticate(ctx, token).then(
      () => true,
      () => false,
    );
    if (valid) return token;
  }
  const { token } = await createToken(ctx, LOCAL_ADMIN, { name: 'local-admin', role: 'admin' });
  writeFileSync(file, `${token}\n`, { mode: 0o600 });
  return token;
}
