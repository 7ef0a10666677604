/**
 * The dashboard against a throwaway database with the demo company and a few simulated sites:
 * `npx tsx test/e2e/dev-server.ts`. Prints the address and a token; Ctrl-C stops it.
 *
 */

import { loadDemo } from '../../src/demo/load.js';
import { simulatedSite } from '../../src/fleet/test-fixtures.js';
import { testServer } from '../../src/testing/index.js';

const server = await testServer();
await loadDemo(server.app, server.app.actor('admin'));
const sites = [
  await simulatedSite(server, { site: 'SIM-SG', count: 240, base: '127.95.0.1', faultRate: 0.05, seed: 1 }),
  await simulatedSite(server, { site: 'SIM-NA', count: 160, base: '127.96.0.1', faultRate: 0.03, seed: 2 }),
];
sites[0]!.pollEvery(5000);
process.stdout.write(`dashboard at ${server.url}/\ntoken: ${await server.token('admin')}\n`);
process.once('SIGINT', async () => {
  for (const s of sites) await s.stop();
  await server.close();
  process.exit(0);
});
