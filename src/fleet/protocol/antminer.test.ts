/**
 * Bitmain's stock firmware read from real captured answers (test/fixtures/miner-responses/
 * antminer_*, SOURCES.md): an S19 Pro hashing in the cold, and an S19 asleep.
 */
import { describe, expect, it } from 'vitest';
import { identityOf } from '../model.js';
import { devTemperature } from './antminer.js';
import { decodeReply } from './codec.js';
import { normalise } from './telemetry.js';
import { readFixture } from './testing-fixtures.js';

const decoded = (name: string) => decodeReply(readFixture(name));

describe('Antminer S19 (bmminer) answers', () => {
  it('reads the S19 Pro: GH/s figures, chains with their chips, four fans, chip sensors', () => {
    const t = normalise([decoded('antminer_s19pro_version.json'), decoded('antminer_s19pro_stats.json')]);
    expect(t).toMatchObject({
      model: 'Antminer S19 Pro',
      firmware: '49.0.1.3',
      serial: '8060350c2b10481c',
      cgminerVersion: '1.0.0',
      apiVersion: '3.1',
      hashrateThs: { recent: 110.787, recentWindow: '5s', average: 111.73, nominal: 111.859 },
      fansRpm: [5520, 5400, 5040, 5040],
      uptimeSeconds: 82852,
      status: 'ok',
    });
    // chain_acn4 is 0: an empty fourth slot, not a dead board.
    expect(t.boards).toEqual([
      { index: 0, hashrateThs: 37.735, chips: 114, chipMaxC: 27 },
      { index: 1, hashrateThs: 38.109, chips: 114, chipMaxC: 25 },
      { index: 2, hashrateThs: 34.942, chips: 114, chipMaxC: 26 },
    ]);
    expect(t.temperatures).toEqual({ hottestChipC: 27 });
  });

  it('is registered by its miner_id, since its version names no DNA or MAC', () => {
    const versionOnly = normalise(decoded('antminer_s19pro_version.json'));
    expect(identityOf(versionOnly)).toBeUndefined();
    const withStats = normalise([
      decoded('antminer_s19pro_version.json'),
      decoded('antminer_s19pro_stats.json'),
    ]);
    expect(identityOf(withStats)).toMatchObject({ serial: '8060350c2b10481c', model: 'Antminer S19 Pro' });
  });

  it('tells an S19 asleep (0 GH/s, chips marked x) from a healthy one', () => {
    const t = normalise(decoded('antminer_s19_stats_sleeping.json'));
    expect(t.hashrateThs).toMatchObject({ recent: 0, nominal: 63.919 });
    expect(t.boards?.map((b) => b.chips)).toEqual([76, 76]);
    expect(t.status).toBe('degraded');
    expect(t.statusReason).toMatch(/recent hashrate \(5s\) is 0 TH\/s/);
  });

  it('reads a summary in GH/s, and devs with the Tenperature typo', () => {
    const summary = normalise({
      STATUS: [{ STATUS: 'S', Code: 11, Description: 'cgminer 1.0.0' }],
      SUMMARY: [{ Elapsed: 82852, 'GHS 5s': '110786.79', 'GHS av': 111730.11 }],
    });
    expect(summary.hashrateThs).toEqual({ recent: 110.787, recentWindow: '5s', average: 111.73 });
    expect(summary.cgminerVersion).toBe('1.0.0');
    expect(devTemperature({ Tenperature: 61 })).toBe(61);
    expect(devTemperature({ Temperature: 60, Tenperature: 61 })).toBe(60);
  });
});
