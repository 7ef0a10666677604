/**
 * A control's confirmation read-back broken in transport is read again before the machine is
 * reported unconfirmed: a resumed machine whose one read-back in the window was cut mid-answer (the
 * simulator's `reset`, as 2 of 198 machines of a loaded rack had it) is confirmed by the next one,
 * and one whose every read-back breaks is still unconfirmed, naming why. Simulated miners on
 * 127.28.100/24 (this file's).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type TestServer, testServer } from '../testing/index.js';
import { controlMachines } from './control.js';
import { type MinerAddress, MinerClient, type RequestOptions } from './protocol/client.js';
import type { MinerRequest } from './protocol/codec.js';
import type { Simulator } from './protocol/simulator.js';
import { POLL_COMMANDS } from './sweep.js';
import { type SimulatedSite, simulatedSite } from './test-fixtures.js';

/**
 * The real client, but once a machine has taken its command the simulator cuts its next `reads`
 * read-backs mid-answer (half the reply, then a reset), then answers whole again.
 */
class CutReadBacks extends MinerClient {
  private readonly left = new Map<string, number>();
  constructor(
    private readonly sim: Simulator,
    reads: Map<string, number>,
  ) {
    super();
    this.left = new Map(reads);
  }

  override async request(
    address: MinerAddress | string,
    request: MinerRequest | string,
    options?: RequestOptions,
  ) {
    const host = typeof address === 'string' ? address : address.host;
    const isRead = typeof request !== 'string' && request.command === POLL_COMMANDS;
    const reply = await super.request(address, request, options);
    const left = this.left.get(host) ?? 0;
    if (!isRead && left > 0) await this.sim.setFault(host, 'reset');
    else if (isRead && left > 0 && this.left.set(host, left - 1).get(host) === 0)
      await this.sim.setFault(host, null);
    return reply;
  }
}

describe("a control's read-back broken in transport", () => {
  let s: TestServer;
  let site: SimulatedSite;
  beforeAll(async () => {
    s = await testServer();
    site = await simulatedSite(s, { site: 'RB1', count: 3, base: '127.28.100.1' });
    const off = await s.call('POST', '/api/fleet/control', {
      role: 'ops',
      body: { selector: { site: 'RB1' }, action: { kind: 'soft-off' } },
    });
    expect(off.status, JSON.stringify(off.body)).toBe(200);
  }, 60_000);
  afterAll(async () => {
    await site?.stop();
    await s?.close();
  });

  it('reads a machine again when its read-back was cut, and reports only the one that never reads back', async () => {
    const [cutOnce, alwaysCut] = site.simulator.miners.map((m) => m.host);
    const client = new CutReadBacks(
      site.simulator,
      new Map([
        [cutOnce!, 1],
        [alwaysCut!, 1_000],
      ]),
    );
    // A window the first read-back fills, as one read-back of 198 on a loaded rack does.
    const report = await controlMachines(
      s.app,
      s.app.actor('ops'),
      { selector: { site: 'RB1' }, action: { kind: 'soft-on' } },
      { client, confirmWithinMs: 100 },
    );
    const byHost = new Map(report.results.map((r) => [r.address, r]));
    expect(byHost.get(cutOnce!)).toMatchObject({
      outcome: 'done',
      detail: expect.stringMatching(/hashing again/),
    });
    expect(byHost.get(site.simulator.miners[2]!.host)?.outcome).toBe('done');
    expect(byHost.get(alwaysCut!)).toMatchObject({
      outcome: 'unconfirmed',
      detail: expect.stringMatching(/did not answer the read-back \(.*(broke|closed|short)/),
    });
    expect(report.succeeded).toBe(2);
    // It did resume: the read-back, not the machine, was at fault.
    for (const m of site.simulator.miners) expect(site.simulator.control(m.address).softOff).toBe(false);
  }, 60_000);
});
