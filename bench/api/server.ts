/**
 * The server side of bench/api: its own process, so that the event loop it measures is the API's
 * alone (the client's parsing of answers does not count against it). It opens an embedded PGlite
 * (in memory, or a data directory kept between runs with --data-dir), loads the demo company
 * through the services, starts the demo's simulated rack as `serve --demo` does, listens on loopback and tells its parent the URL and a viewer's token.
 *
 * Messages from the parent: `{ eld: 'reset' }` starts a new event-loop window; `{ eld: 'read' }`
 * answers the window's worst block (ms) and the worst since the start.
 */
import { monitorEventLoopDelay, performance } from 'node:perf_hooks';
import { readConfig } from '../../src/app/config.js';
import { openContext } from '../../src/app/root.js';
import { createToken } from '../../src/auth/tokens.js';
import { startDemoRack } from '../../src/demo/fleet.js';
import { demoLoaded, loadDemo } from '../../src/demo/load.js';
import { buildHttpApp } from '../../src/http/app.js';
import { modules } from '../../src/modules.js';

export interface ServerReady {
  ready: true;
  url: string;
  token: string;
  loadMs: number;
  loaded: 'now' | 'before';
}
export interface LoopReading {
  eld: true;
  windowMaxMs: number;
  overallMaxMs: number;
}
export type ParentMessage = { eld: 'reset' } | { eld: 'read' };

const arg = (name: string) => {
  const at = process.argv.indexOf(name);
  return at >= 0 ? process.argv[at + 1] : undefined;
};
const dataDir = arg('--data-dir') ?? 'memory';
// The rack's loopback block: the demo's own unless told (an `npm start` on the same machine holds it).
const rackBase = arg('--rack-base');
const base = readConfig({ LOG_LEVEL: 'warn', DATABASE_URL: process.env.DATABASE_URL });
const config = {
  ...base,
  database: base.database.kind === 'server' ? base.database : { kind: 'embedded' as const, dataDir },
};
const opened = await openContext(config, { command: 'bench api', modules });
const { ctx } = opened;
const admin = { id: 'bench:api', role: 'admin' } as const;
const t0 = performance.now();
const before = await demoLoaded(ctx);
if (!before) await loadDemo(ctx, admin);
const loadMs = performance.now() - t0;
// The rack `serve --demo` runs: the fleet's routes answer on live machines, polled meanwhile.
const rack = await startDemoRack(ctx, admin, {
  count: config.demoMiners,
  ...(rackBase ? { base: rackBase } : {}),
});
const app = await buildHttpApp(ctx, modules, { documentNow: true });
const url = await app.listen({ port: 0, host: '127.0.0.1' });
const { token } = await createToken(ctx, admin, { name: `bench-api-${Date.now()}`, role: 'admin' });

// 1 ms resolution: the block we look for is 100 ms.
const overall = monitorEventLoopDelay({ resolution: 1 });
const window = monitorEventLoopDelay({ resolution: 1 });
overall.enable();
window.enable();
const ms = (ns: number) => ns / 1e6;

process.on('message', (m: ParentMessage) => {
  if (m.eld === 'reset') {
    window.reset();
    process.send?.({ eld: true, windowMaxMs: 0, overallMaxMs: ms(overall.max) } satisfies LoopReading);
  } else if (m.eld === 'read') {
    process.send?.({
      eld: true,
      windowMaxMs: ms(window.max),
      overallMaxMs: ms(overall.max),
    } satisfies LoopReading);
  }
});
process.once('disconnect', () => {
  void app
    .close()
    .then(() => rack.stop())
    .then(() => opened.close().then(() => process.exit(0)));
});
process.send?.({ ready: true, url, token, loadMs, loaded: before ? 'before' : 'now' } satisfies ServerReady);
