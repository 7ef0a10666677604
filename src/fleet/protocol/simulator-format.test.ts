/**
 * The simulator's replies, byte for byte: pinned against what it answered before its replies were
 * written from layouts (the same clock and seed give the same bytes), and against the layout of a
 * real A1047's captured answer (test/fixtures/miner-responses/avalon1047_pools+summary+stats.json).
 */
import fc from 'fast-check';
import { afterEach, describe, expect, it } from 'vitest';
import { MinerClient, type MinerFailure, type MinerReply } from './client.js';
import { type Simulator, startSimulator } from './simulator.js';
import { JSON_FORM, Layout, numberText, TEXT_FORM } from './simulator-format.js';
import { readFixture } from './testing-fixtures.js';

const running: Simulator[] = [];
afterEach(async () => {
  await Promise.all(running.splice(0).map((s) => s.stop()));
});

const client = new MinerClient({ readTimeoutMs: 2000, retries: 0 });
const raw = async (address: string, request: string) => {
  const reply = await client.request(address, request);
  expect((reply as MinerFailure).message).toBeUndefined();
  return (reply as MinerReply).raw.toString('utf8');
};

/** A1047 miner 1 of seed 7 at a pinned moment, as the simulator answered it before this file. */
const PINNED = {
  summaryJson:
    '{"STATUS":[{"STATUS":"S","When":505163,"Code":11,"Msg":"Summary","Description":"cgminer 4.11.1"}],"SUMMARY":[{"Elapsed":505151,"MHS av":37505932.52,"MHS 30s":38057265.3,"MHS 1m":37422945.98,"MHS 5m":37590109.87,"MHS 15m":37590109.87,"Found Blocks":0,"Getworks":16838,"Accepted":10523,"Rejected":31,"Hardware Errors":202,"Utility":1.25,"Discarded":2525755,"Stale":0,"Get Failures":0,"Local Work":6061812,"Remote Failures":0,"Network Blocks":841,"Total MH":18946159318269,"Work Utility":520915.73,"Difficulty Accepted":1379270656,"Difficulty Rejected":4063232,"Difficulty Stale":0,"Best Share":1243139,"Device Hardware%":0,"Device Rejected%":0.29460000000000003,"Pool Rejected%":0.29460000000000003,"Pool Stale%":0,"Last getwork":0}],"id":1}\u0000',
  summaryText:
    'STATUS=S,When=505163,Code=11,Msg=Summary,Description=cgminer 4.11.1|SUMMARY,Elapsed=505151,MHS av=37505932.52,MHS 30s=38057265.3,MHS 1m=37422945.98,MHS 5m=37590109.87,MHS 15m=37590109.87,Found Blocks=0,Getworks=16838,Accepted=10523,Rejected=31,Hardware Errors=202,Utility=1.25,Discarded=2525755,Stale=0,Get Failures=0,Local Work=6061812,Remote Failures=0,Network Blocks=841,Total MH=18946159318269,Work Utility=520915.73,Difficulty Accepted=1379270656,Difficulty Rejected=4063232,Difficulty Stale=0,Best Share=1243139,Device Hardware%=0,Device Rejected%=0.29460000000000003,Pool Rejected%=0.29460000000000003,Pool Stale%=0,Last getwork=0|\u0000',
  version:
    '{"STATUS":[{"STATUS":"S","When":505163,"Code":22,"Msg":"CGMiner versions","Description":"cgminer 4.11.1"}],"VERSION":[{"CGMiner":"4.11.1","API":"3.7","STM8":"20.08.01","PROD":"AvalonMiner 1047","MODEL":"1047","HWTYPE":"MM3v1_X2","SWTYPE":"MM314","VERSION":"20051101_85dc6f0_0332654","LOADER":"d0d779de.00","DNA":"0201b5cdb8000001","MAC":"b4a2ebb5cdb9","UPAPI":"2"}],"id":1}\u0000',
};

async function a1047(base: string): Promise<Simulator> {
  const t = Date.parse('2026-12-01T12:34:56.789Z');
  const sim = await startSimulator({ count: 2, base, seed: 7, model: 'A1047', now: () => t });
  running.push(sim);
  return sim;
}

/** Whether `keys` appear in `reference` in the same order (the simulator states fewer fields than a real miner). */
const inOrderOf = (keys: string[], reference: string[]) =>
  keys.map((k) => reference.indexOf(k)).every((at, i, all) => at >= 0 && (i === 0 || at > all[i - 1]!));

const mmKeys = (mm: string) => [...mm.matchAll(/(\w+)\[/g)].map((m) => m[1]!);

describe('simulated replies, byte for byte', () => {
  it('are the bytes the simulator answered before (same seed, same clock), JSON and text', async () => {
    const sim = await a1047('127.20.240.1');
    const address = sim.addresses[1]!;
    expect(await raw(address, '{"command":"summary"}')).toBe(PINNED.summaryJson);
    expect(await raw(address, 'summary')).toBe(PINNED.summaryText);
    expect(await raw(address, '{"command":"version"}')).toBe(PINNED.version);
  });

  it("lay out a joined poll as a real A1047's captured answer does", async () => {
    const sim = await a1047('127.20.241.1');
    const body = await raw(sim.addresses[0]!, '{"command":"summary+stats+pools"}');
    const captured = readFixture('avalon1047_pools+summary+stats.json').trim();
    // One trailing NUL (api.c sends len+1), and compact JSON as captured. (Real cgminer prints some
    // doubles with fixed decimals, `"Wait":0.000000`; the simulator prints them as JSON.stringify does.)
    expect(body.endsWith('}\u0000')).toBe(true);
    expect(body.indexOf('\u0000')).toBe(body.length - 1);
    const json = body.slice(0, -1);
    expect(JSON.stringify(JSON.parse(json))).toBe(json);

    type Answer = Record<string, Record<string, unknown>[]>;
    const ours = JSON.parse(json) as Record<string, Answer[]> & { id: number };
    const real = JSON.parse(captured) as Record<string, Answer[]> & { id: number };
    // The joined reply repeats each command's whole answer, STATUS and id included, under its name.
    expect(Object.keys(ours)).toEqual(Object.keys(real));
    for (const [command, section] of [
      ['summary', 'SUMMARY'],
      ['stats', 'STATS'],
      ['pools', 'POOLS'],
    ] as const) {
      const [mine, theirs] = [ours[command]![0]!, real[command]![0]!];
      expect(Object.keys(mine)).toEqual(['STATUS', section, 'id']);
      expect(Object.keys(mine)).toEqual(Object.keys(theirs));
      expect(Object.keys(mine.STATUS![0]!)).toEqual(Object.keys(theirs.STATUS![0]!));
      const rows = mine[section]!;
      const realRows = theirs[section]!;
      rows.forEach((row, i) => {
        const reference = realRows[Math.min(i, realRows.length - 1)]!;
        expect(inOrderOf(Object.keys(row), Object.keys(reference))).toBe(true);
      });
    }
    expect(Object.keys(ours.summary![0]!.SUMMARY![0]!)).toEqual(Object.keys(real.summary![0]!.SUMMARY![0]!));
    expect(Object.keys(ours.stats![0]!.STATS![0]!)).toEqual(Object.keys(real.stats![0]!.STATS![0]!));
    const mm = ours.stats![0]!.STATS![0]!['MM ID0'] as string;
    const realMm = real.stats![0]!.STATS![0]!['MM ID0'] as string;
    // Newer firmware adds WORKLEVEL and SoftOFF after WORKMODE; everything else in the captured order.
    expect(mmKeys(mm).slice(-3)).toEqual(['WORKMODE', 'WORKLEVEL', 'SoftOFF']);
    expect(inOrderOf(mmKeys(mm).slice(0, -2), mmKeys(realMm))).toBe(true);
  });
});

/** A pool row's layout, at the module's level (inside a function the linter takes `POOL: (p) => …` for a component). */
const layout = new Layout<{ n: number; user: string; on: boolean }>({
  POOL: (p) => p.n,
  Status: 'Alive',
  User: (p) => p.user,
  'Stratum Active': (p) => p.on,
  Quota: 1,
});

describe('layouts', () => {
  it('write what JSON.stringify writes for the same row, user strings escaped, non-finite numbers null', () => {
    fc.assert(
      fc.property(fc.double(), fc.string({ unit: 'binary' }), fc.boolean(), (n, user, on) => {
        const row = { n, user, on };
        expect(layout.json(row)).toBe(
          JSON.stringify({ POOL: n, Status: 'Alive', User: user, 'Stratum Active': on, Quota: 1 }),
        );
      }),
    );
  });

  it("write the text form with cgminer's escapes in user strings only", () => {
    expect(layout.text({ n: 2, user: 'a,b|c=d\\e', on: false })).toBe(
      'POOL=2,Status=Alive,User=a\\,b\\|c\\=d\\\\e,Stratum Active=false,Quota=1',
    );
    const status = { severity: 'E', when: 5, code: 45, message: "Access denied to 'x' command" } as const;
    expect(TEXT_FORM.answer(status)).toBe(
      "STATUS=E,When=5,Code=45,Msg=Access denied to 'x' command,Description=cgminer 4.11.1|",
    );
    expect(
      JSON_FORM.joined([
        ['summary', '{}'],
        ['id', '{}'],
        ['7', '{}'],
      ]),
    ).toBe(JSON.stringify({ ...{ summary: [{}], id: [{}], 7: [{}] }, id: 1 }));
  });

  it('print numbers as String() does, two-decimal ones from integers', () => {
    const r2 = (n: number) => Math.round(n * 100) / 100;
    fc.assert(
      fc.property(fc.double({ min: 0, max: 1e15, noNaN: true }), (n) => {
        expect(numberText(r2(n))).toBe(String(r2(n)));
        expect(numberText(n)).toBe(String(n));
      }),
      { numRuns: 20_000 },
    );
    for (const n of [0, -0, 0.01, 0.1, 1.05, 2 ** 46 - 0.01, 2 ** 46 + 0.5, -1.5, 1e21, Number.NaN])
      expect(numberText(n)).toBe(String(n));
  });
});
