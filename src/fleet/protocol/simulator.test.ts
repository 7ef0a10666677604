import { afterEach, describe, expect, it } from 'vitest';
import { MinerClient, type MinerFailure, type MinerReply } from './client.js';
import { ascset, plainRequest, replyStatus } from './codec.js';
import { parseWriteAllow, type Simulator, type SimulatorOptions, startSimulator } from './simulator.js';
import { SIMULATED_PSU_ERROR } from './simulator-models.js';
import { normalise } from './telemetry.js';

const running: Simulator[] = [];
afterEach(async () => {
  await Promise.all(running.splice(0).map((s) => s.stop()));
});

async function fleet(options: Partial<SimulatorOptions> & { count: number }): Promise<Simulator> {
  const sim = await startSimulator({ base: '127.94.0.1', seed: 7, ...options });
  running.push(sim);
  return sim;
}

const client = new MinerClient({ readTimeoutMs: 2000, retries: 0 });
const ok = (r: unknown) => {
  expect((r as MinerFailure).message).toBeUndefined();
  return r as MinerReply;
};
const poll = async (address: string) =>
  normalise(ok(await client.command(address, ['summary', 'estats', 'pools'])));
const unixNow = () => Math.floor(Date.now() / 1000);

describe('a simulated fleet', () => {
  it('is the same fleet for the same seed, a different one for another seed', async () => {
    const t = Date.parse('2021-03-01T00:00:00Z');
    const a = await fleet({ count: 20, faultRate: 0.3, now: () => t });
    const first = a.miners.map((m) => [m.address, m.mac, m.dna, m.fault]);
    const summary = ok(await client.command(a.addresses[3]!, 'summary')).raw.toString();
    await a.stop();
    const b = await fleet({ count: 20, faultRate: 0.3, now: () => t });
    expect(b.miners.map((m) => [m.address, m.mac, m.dna, m.fault])).toEqual(first);
    expect(ok(await client.command(b.addresses[3]!, 'summary')).raw.toString()).toBe(summary);
    await b.stop();
    const c = await fleet({ count: 20, faultRate: 0.3, seed: 8, now: () => t });
    expect(c.miners.map((m) => m.mac)).not.toEqual(first.map((m) => m[1]));
    expect(new Set(c.miners.map((m) => m.mac)).size).toBe(20);
    expect(a.miners.filter((m) => m.fault !== null).length).toBeGreaterThan(0);
  });

  it('answers the real protocol: each miner on its own address, readable by the decoder', async () => {
    const sim = await fleet({ count: 3, model: 'A1246' });
    expect(sim.addresses).toEqual(['127.94.0.1:4028', '127.94.0.2:4028', '127.94.0.3:4028']);
    const miner = sim.miners[1]!;
    const version = normalise(ok(await client.command(miner.address, 'version')));
    expect(version).toMatchObject({
      model: '1246-83',
      product: 'AvalonMiner 1246-83',
      mac: miner.mac,
      dna: miner.dna,
    });
    const t = await poll(miner.address);
    expect(t.repairs).toEqual([]);
    expect(t.sources).toEqual(['summary', 'estats', 'pools']);
    expect(t.status).toBe('ok');
    expect(t.boards).toHaveLength(3);
    expect(t.boards?.every((b) => b.chips === 120)).toBe(true);
    expect(t.hashrateThs?.recent).toBeGreaterThan(85);
    expect(t.hashrateThs?.recent).toBeLessThan(95);
    expect(t.temperatures?.hottestChipC).toBeGreaterThan(50);
    expect(t.powerW).toBeGreaterThan(3000);
    expect(t.pools?.map((p) => p.priority)).toEqual([0, 1, 2]);
    const devs = normalise(ok(await client.command(miner.address, 'devs')));
    expect(devs.hashrateThs?.recent).toBeGreaterThan(85);
  });

  it('answers plain-text requests in the text form, joins included', async () => {
    const t0 = Date.parse('2021-03-01T00:00:00Z');
    const sim = await fleet({ count: 1, now: () => t0 });
    const address = sim.addresses[0]!;
    const text = ok(await client.request(address, plainRequest('summary+estats+pools')));
    expect(text.format).toBe('text');
    expect(text.raw.toString()).toMatch(/^CMD=summary\|STATUS=S,When=\d+,Code=11,Msg=Summary/);
    const json = ok(await client.command(address, ['summary', 'estats', 'pools']));
    expect(normalise(text)).toEqual(normalise(json));
  });

  it('answers a command named twice in a join once, as cgminer does (PROTOCOL.md §1.4)', async () => {
    const sim = await fleet({ count: 1, base: '127.152.0.1' });
    const address = sim.addresses[0]!;
    const json = ok(await client.request(address, '{"command":"summary+pools+summary"}'));
    expect(Object.keys(json.value as object)).toEqual(['summary', 'pools', 'id']);
    expect((json.value as Record<string, unknown[]>).summary).toHaveLength(1);
    const text = ok(await client.request(address, 'summary+pools+summary'));
    expect(text.raw.toString().match(/CMD=summary\|/g)).toHaveLength(1);
    expect(text.raw.toString().match(/CMD=pools\|/g)).toHaveLength(1);
  });

  it('refuses a non-joinable command inside a join, and unknown commands', async () => {
    const sim = await fleet({ count: 1 });
    const address = sim.addresses[0]!;
    const join = ok(await client.request(address, '{"command":"summary+ascset"}'));
    const parts = join.value as Record<string, { STATUS: { Code: number }[] }[]>;
    expect(parts.ascset?.[0]?.STATUS[0]?.Code).toBe(45);
    expect(replyStatus(ok(await client.request(address, 'nonsense')).value)).toMatchObject({
      status: 'E',
      code: 14,
    });
  });

  it('drifts over time like a real machine', async () => {
    let t = Date.parse('2021-03-01T00:00:00Z');
    const sim = await fleet({ count: 1, now: () => t });
    const address = sim.addresses[0]!;
    const samples = [];
    for (let i = 0; i < 5; i++) {
      samples.push(await poll(address));
      t += 7 * 60_000;
    }
    const recents = samples.map((s) => s.hashrateThs!.recent!);
    expect(new Set(recents).size).toBe(5);
    for (const r of recents) expect(Math.abs(r - 90)).toBeLessThan(5);
    expect(samples[4]!.uptimeSeconds! - samples[0]!.uptimeSeconds!).toBe(28 * 60);
    expect(new Set(samples.map((s) => s.temperatures!.hottestChipC)).size).toBeGreaterThan(1);
  });
});

describe('injected faults', () => {
  it('show up as the status the poller must report', async () => {
    const sim = await fleet({ count: 5, slowMs: 3000 });
    const [a, b, c, d, e] = sim.addresses as [string, string, string, string, string];
    await sim.setFault(a, 'board-down');
    await sim.setFault(b, 'overheating');
    await sim.setFault(c, 'fan-failure');
    await sim.setFault(e, 'psu-fault');
    const statuses = await Promise.all([a, b, c, d, e].map(poll));
    expect(statuses.map((s) => s.status)).toEqual([
      'board-down',
      'overheating',
      'fan-failure',
      'ok',
      'degraded',
    ]);
    expect(statuses[0]!.statusReason).toMatch(/firmware reports 2 of 3 hash boards working/);
    // Still hashing, but not ok: the PSU's error is named in the reason.
    expect(statuses[4]!.psu?.errorCode).toBe(SIMULATED_PSU_ERROR);
    expect(statuses[4]!.statusReason).toBe(`PSU error code ${SIMULATED_PSU_ERROR} (output over-current)`);
  });

  it('offline refuses connections; slow outlasts a short read timeout; malformed needs repairs; garbage fails', async () => {
    const sim = await fleet({ count: 4, slowMs: 1500 });
    const [a, b, c, d] = sim.addresses as [string, string, string, string];
    await sim.setFault(a, 'offline');
    await sim.setFault(b, 'slow');
    await sim.setFault(c, 'malformed');
    await sim.setFault(d, 'garbage');
    expect((await client.command(a, 'summary')) as MinerFailure).toMatchObject({
      ok: false,
      failure: 'refused',
    });
    const impatient = new MinerClient({ readTimeoutMs: 300 });
    expect((await impatient.command(b, 'summary')) as MinerFailure).toMatchObject({
      ok: false,
      failure: 'timeout',
    });
    expect((await client.command(b, 'summary')).ok).toBe(true);
    const broken = ok(await client.command(c, ['summary', 'pools']));
    expect(broken.repairs).toContain('replaced 1 bare nan/inf number(s) with null');
    expect(normalise(broken).pools).toBeDefined();
    expect(((await client.command(d, 'summary')) as MinerFailure).failure).toBe('malformed');
    await sim.setFault(a, null);
    expect((await client.command(a, 'summary')).ok).toBe(true);
  });

  it('are drawn at the requested rate', async () => {
    const sim = await fleet({ count: 1000, faultRate: 0.05 });
    const faulty = sim.miners.filter((m) => m.fault !== null).length;
    expect(faulty).toBeGreaterThan(25);
    expect(faulty).toBeLessThan(80);
  });
});

describe('control', () => {
  it('soft off stops hashing; soft on resumes it', async () => {
    const sim = await fleet({ count: 1 });
    const address = sim.addresses[0]!;
    const off = ok(await client.command(address, 'ascset', ascset.softOff(unixNow())));
    expect(replyStatus(off.value)).toMatchObject({ status: 'I', code: 118 });
    expect(replyStatus(off.value)?.message).toMatch(/^ASC 0 set info: success softoff:\d+$/);
    const idle = await poll(address);
    expect(idle).toMatchObject({ status: 'idle', softOff: true, workState: 'In Idle' });
    expect(idle.hashrateThs?.recent).toBe(0);
    expect(idle.boards?.map((b) => b.hashrateThs)).toEqual([0, 0, 0]);
    ok(await client.command(address, 'ascset', ascset.softOn(unixNow())));
    const back = await poll(address);
    expect(back.status).toBe('ok');
    expect(back.hashrateThs?.recent).toBeGreaterThan(80);
  });

  it('a scheduled soft off takes effect at its time', async () => {
    let t = Date.parse('2021-03-01T00:00:00Z');
    const sim = await fleet({ count: 1, now: () => t });
    const address = sim.addresses[0]!;
    ok(await client.command(address, 'ascset', ascset.softOff(t / 1000 + 60)));
    expect(sim.control(address).softOff).toBe(false);
    t += 61_000;
    expect(sim.control(address).softOff).toBe(true);
    expect((await poll(address)).status).toBe('idle');
  });

  it('reboot takes the miner offline for a while, then back with the pending work mode', async () => {
    const sim = await fleet({ count: 1, rebootSeconds: 0.4 });
    const address = sim.addresses[0]!;
    ok(await client.command(address, 'ascset', ascset.workMode(0)));
    expect(sim.control(address)).toMatchObject({ workMode: 1, pendingWorkMode: 0 });
    const before = await poll(address);
    ok(await client.command(address, 'ascset', ascset.reboot()));
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(((await client.command(address, 'summary')) as MinerFailure).failure).toBe('refused');
    expect(sim.control(address).online).toBe(false);
    await new Promise((resolve) => setTimeout(resolve, 500));
    const after = await poll(address);
    expect(after.workMode).toBe(0);
    expect(after.uptimeSeconds!).toBeLessThan(5);
    expect(before.uptimeSeconds!).toBeGreaterThan(600);
    expect(after.hashrateThs?.nominal).toBeLessThan(before.hashrateThs!.nominal!);
  });

  it('switchpool changes priorities now; setpool waits for a reboot', async () => {
    const sim = await fleet({ count: 1, rebootSeconds: 0.2 });
    const address = sim.addresses[0]!;
    const switched = ok(await client.command(address, 'switchpool', 2));
    expect(replyStatus(switched.value)).toMatchObject({ status: 'S', code: 27 });
    expect((await poll(address)).pools?.find((p) => p.active)?.index).toBe(2);
    expect(replyStatus(ok(await client.command(address, 'switchpool', 9)).value)).toMatchObject({
      status: 'E',
      code: 26,
    });

    const refused = ok(
      await client.command(address, 'ascset', '0,setpool,root,wrong,stratum+tcp://new.pool:3333,w1,x'),
    );
    expect(replyStatus(refused.value)?.status).toBe('E');
    const set = ok(
      await client.command(address, 'ascset', '0,setpool,root,root,stratum+tcp://new.pool:3333,w1,x'),
    );
    expect(replyStatus(set.value)?.message).toMatch(/Please reboot miner/);
    expect((await poll(address)).pools?.[0]?.url).toBe('stratum+tcp://btc.pool.example:3333');
    ok(await client.command(address, 'ascset', ascset.reboot()));
    await new Promise((resolve) => setTimeout(resolve, 500));
    const after = await poll(address);
    expect(after.pools?.[0]).toMatchObject({ url: 'stratum+tcp://new.pool:3333', user: 'w1', active: true });
  });
});

describe('access control', () => {
  it('refuses privileged commands from a source outside the W: list with STATUS E code 45', async () => {
    const sim = await fleet({ count: 1, writeAllow: 'W:127.0.0.2' });
    const address = sim.addresses[0]!;
    const fromDotOne = new MinerClient({ localAddress: '127.0.0.1' });
    const fromDotTwo = new MinerClient({ localAddress: '127.0.0.2' });
    const denied = ok(await fromDotOne.command(address, 'ascset', ascset.softOff(unixNow())));
    expect(replyStatus(denied.value)).toEqual({
      status: 'E',
      code: 45,
      message: "Access denied to 'ascset' command",
      when: expect.any(Number),
      description: 'cgminer 4.11.1',
    });
    expect(sim.control(address).softOff).toBe(false);
    expect(ok(await fromDotOne.command(address, 'summary')).ok).toBe(true); // reads stay open
    expect(replyStatus(ok(await fromDotOne.command(address, 'switchpool', 1)).value)?.code).toBe(45);
    const text = ok(await fromDotOne.request(address, plainRequest('ascset', ascset.reboot())));
    expect(text.raw.toString()).toMatch(/^STATUS=E,When=\d+,Code=45,Msg=Access denied to 'ascset' command,/);
    const allowed = ok(await fromDotTwo.command(address, 'ascset', ascset.softOff(unixNow())));
    expect(replyStatus(allowed.value)?.code).toBe(118);
    expect(sim.control(address).softOff).toBe(true);
    expect(sim.stats().deniedWrites).toBe(3);
  });

  it('parses cgminer-style allow lists', () => {
    const allow = parseWriteAllow('W:127.0.0.2,10.1.0.0/16');
    expect(['127.0.0.2', '::ffff:127.0.0.2', '10.1.200.3'].map(allow)).toEqual([true, true, true]);
    expect(['127.0.0.1', '10.2.0.1', '::1'].map(allow)).toEqual([false, false, false]);
    expect(parseWriteAllow('0.0.0.0/0')('192.168.1.1')).toBe(true);
  });
});

describe('layouts', () => {
  it('puts a fleet on one address and a port range', async () => {
    const sim = await fleet({ count: 5, base: '127.94.1.1', portRange: 41000 });
    expect(sim.addresses).toEqual([
      '127.94.1.1:41000',
      '127.94.1.1:41001',
      '127.94.1.1:41002',
      '127.94.1.1:41003',
      '127.94.1.1:41004',
    ]);
    expect((await poll(sim.addresses[4]!)).status).toBe('ok');
  });

  it('binds 2,000 addresses and serves them all', async () => {
    const progress: number[] = [];
    const started = performance.now();
    const sim = await fleet({
      count: 2000,
      base: '127.94.100.1',
      onProgress: (bound) => progress.push(bound),
    });
    const bindMs = performance.now() - started;
    expect(progress).toEqual([1000, 2000]);
    expect(bindMs).toBeLessThan(10_000);
    const sweep = new MinerClient({ concurrency: 200 });
    const results = await Promise.all(sim.addresses.map((a) => sweep.command(a, 'summary')));
    expect(results.filter((r) => r.ok)).toHaveLength(2000);
  });
});
