/**
 * The contracts as signed, read from the signing events alone (`contractsSignedBy`, what a
 * scenario's selling terms read), are the first steps of the whole trails on the demo company:
 * the same contracts in the same order, on days before, between and after its quarters' ends.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type TestServer, testServer } from '../testing/index.js';
import { contractsSignedBy, contractTrails } from './as-of.js';

let server: TestServer;

beforeAll(async () => {
  server = await testServer({ demo: 'demo@2022-07-15-no-service' });
}, 900_000);
afterAll(async () => server?.close());

describe('the contracts signed by a day', () => {
  it('are the trails’ first steps, in the order recorded', async () => {
    for (const day of ['2018-12-31', '2019-06-30', '2020-11-15', '2021-12-31', '2022-06-30']) {
      const trails = await contractTrails(server.app, day);
      const signed = await contractsSignedBy(server.app, day);
      expect(signed, day).toEqual([...trails.values()].map((t) => t.steps[0]!.state.contract));
    }
    // Not vacuous: the last day sees the demo's contracts, the first none or few of them.
    expect((await contractsSignedBy(server.app, '2022-06-30')).length).toBeGreaterThan(200);
  }, 300_000);
});
