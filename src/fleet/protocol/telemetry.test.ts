import { describe, expect, it } from 'vitest';
import { decodeReply } from './codec.js';
import { DEFAULT_THRESHOLDS } from './health.js';
import { decodeFile, type NormalisedTelemetry, normalise } from './telemetry.js';
import { fixtureNames, readFixture } from './testing-fixtures.js';

/**
 * What each captured reply states, read off its raw text by hand. Every file in the fixtures
 * folder must have an entry here, so a new capture cannot slip in untested.
 */
const EXPECTED: Record<string, (t: NormalisedTelemetry) => void> = {
  'avalon1047_pools+summary+stats.json': (t) => {
    expect(t.sources).toEqual(['summary', 'stats', 'pools']);
    expect(t.model).toBe('1047');
    expect(t.firmware).toBe('20051101_85dc6f0_0332654');
    expect(t.dna).toBe('02010000cb231da8');
    expect(t.hashrateThs).toEqual({ average: 25.537, recent: 32.247, recentWindow: '30s', nominal: 37.471 });
    expect(t.boards).toEqual([
      { index: 0, hashrateThs: 12.363, chips: 120, chipMaxC: 61, chipAvgC: 55 },
      { index: 1, hashrateThs: 12.812, chips: 120, chipMaxC: 64, chipAvgC: 58 },
    ]);
    expect(t.temperatures).toEqual({ inletC: 18, hottestChipC: 64 });
    expect(t.fansRpm).toEqual([2896, 2927]);
    expect(t.powerW).toBeUndefined(); // PS[0 0 0 0 0 0], POW_I2C[FAILED]
    expect(t.powerLimitW).toBe(2220);
    expect(t.workMode).toBe(1);
    expect(t.uptimeSeconds).toBe(155);
    expect(t.hardwareErrors).toBe(0);
    expect(t.rejectedPercent).toBe(0);
    expect(t.pools?.map((p) => [p.url, p.priority, p.status, p.active])).toEqual([
      ['stratum+tcp://sha256.mining-dutch.nl:9996', 0, 'Alive', true],
      ['stratum+tcp://sha256.antpool.com:3333', 1, 'Alive', false],
      ['stratum+tcp://sha256.mining-dutch.nl:9996', 2, 'Alive', false],
    ]);
    expect(t.pools?.[0]?.user).toBe('xxx');
    expect(t.status).toBe('ok');
    expect(t.mac).toBeUndefined();
  },
  'avalon1047_pools+summary+stats_nan.txt': (t) => {
    expect(t.repairs).toEqual([
      'replaced 1 bare nan/inf number(s) with null',
      'ignored 1 byte(s) after the JSON value',
    ]);
    // "MHS av":nan → the summary states no average; the module's GHSavg[25174.76] does.
    expect(t.hashrateThs).toEqual({ average: 25.175, recent: 0, recentWindow: '30s', nominal: 37.471 });
    expect(t.status).toBe('degraded');
    expect(t.statusReason).toBe('recent hashrate (30s) is 0 TH/s');
    expect(t.pools).toHaveLength(3);
  },
  'avalon1047_stats_fw19120401.json': (t) => {
    expect(t.firmware).toBe('19120401_d46bc64_0367a8b');
    expect(t.dna).toBe('0201000017cdf409');
    expect(t.hashrateThs).toEqual({ average: 37.235, nominal: 37.769 });
    expect(t.boards?.map((b) => b.hashrateThs)).toEqual([18.728, 18.508]);
    expect(t.temperatures).toEqual({ inletC: 28, hottestChipC: 75 });
    expect(t.fansRpm).toEqual([2984, 2972]);
    expect(t.powerW).toBe(2288);
    expect(t.uptimeSeconds).toBe(103808);
    expect(t.hardwareErrors).toBe(135);
    expect(t.status).toBe('ok');
  },
  'avalon1566_devs.json': (t) => {
    expect(t.hashrateThs).toEqual({ average: 192.796, recent: 197.498, recentWindow: '30s' });
    expect(t.uptimeSeconds).toBe(924);
    expect(t.rejectedPercent).toBe(0.6275);
    expect(t.temperatures).toBeUndefined(); // Temperature -273.0 means "no sensor"
    expect(t.status).toBe('ok');
  },
  'avalon1566_pools.json': (t) => {
    expect(t.pools?.map((p) => p.url)).toEqual([
      'stratum+tcp://stratum.pool.io:3333',
      'stratum+tcp://stratum.pool.io:3334',
      'stratum+tcp://stratum.pool.io:3335',
    ]);
    expect(t.pools?.[0]).toEqual({
      url: 'stratum+tcp://stratum.pool.io:3333',
      index: 0,
      user: 'pool_username.real_worker',
      status: 'Alive',
      priority: 0,
      active: true,
    });
    expect(t.rejectedPercent).toBe(0.6711);
    expect(t.status).toBeUndefined();
  },
  'avalon1566_version.json': (t) => {
    expect(t).toEqual({
      sources: ['version'],
      repairs: [],
      model: '15-194',
      product: 'AvalonMiner 15-194',
      firmware: '24102401_25462b2_9ddf522',
      hardware: 'MM4v2_X3',
      mac: '12:34:56:78:90:12',
      dna: '020100008c699117',
      cgminerVersion: '4.11.1',
      apiVersion: '3.7',
    });
  },
  // Bitmain's stock firmware; read in full in antminer.test.ts.
  'antminer_s19_stats_sleeping.json': (t) => expect(t.hashrateThs?.recent).toBe(0),
  'antminer_s19pro_stats.json': (t) => expect(t.serial).toBe('8060350c2b10481c'),
  'antminer_s19pro_version.json': (t) =>
    expect(t).toMatchObject({ model: 'Antminer S19 Pro', cgminerVersion: '1.0.0', apiVersion: '3.1' }),
  'avalon741_pools.json': (t) => {
    expect(t.pools?.map((p) => [p.url, p.user])).toEqual([
      ['stratum+tcp://stratum.antpool.com:3333', 'Yop yop'],
      ['stratum+tcp://stratum.antpool.com:443', 'Yop yop'],
    ]);
  },
  'avalon741_stats.json': (t) => {
    expect(t.model).toBe('741');
    expect(t.hashrateThs).toEqual({ nominal: 68.244 });
    expect(t.boards).toHaveLength(40); // 10 modules × 4 boards
    expect(t.boards?.[0]).toEqual({ index: 0, module: 'AV70/MM ID1', chips: 22 });
    expect(t.temperatures).toEqual({ inletC: 43, hottestChipC: 92 });
    expect(t.fansRpm).toEqual([2550, 1440, 2700, 2580, 2430, 4440, 3900, 3150, 2760, 3810]);
    expect(t.uptimeSeconds).toBe(118);
  },
  'avalon741_summary.json': (t) => {
    expect(t.hashrateThs).toEqual({ average: 47.071, recent: 52.126, recentWindow: '5s' });
    expect(t.hardwareErrors).toBe(3);
    expect(t.rejectedPercent).toBe(3.8462);
  },
  'avalon841_pools.json': (t) => {
    expect(t.pools?.map((p) => p.url)).toEqual([
      'stratum+tcp://eu.stratum.slushpool.com:3333',
      'stratum+tcp://eu.stratum.slushpool.com:3333',
    ]);
  },
  'avalon841_stats.json': (t) => {
    expect(t.model).toBe('841/821'); // one 841 and two 821 modules on one AUC
    expect(t.hashrateThs?.nominal).toBe(36.769);
    expect(t.temperatures).toEqual({ inletC: 37, hottestChipC: 85 });
    expect(t.fansRpm).toEqual([5730, 5850, 5610]);
    expect(t.boards?.every((b) => b.chips === 26)).toBe(true);
  },
  'avalon841_summary.json': (t) => {
    expect(t.hashrateThs).toEqual({ average: 36.589, recent: 38.567, recentWindow: '5s' });
    expect(t.uptimeSeconds).toBe(63);
  },
  'avalon921_pools.json': (t) => {
    expect(t.pools?.map((p) => p.url)).toEqual([
      'stratum+tcp://eu.ss.btc.com:1800',
      'stratum+tcp://eu.ss.btc.com:443',
      'stratum+tcp://eu.ss.btc.com:25',
    ]);
    expect(t.pools?.[0]?.user).toBe('WALLET.a2');
  },
  'avalon921_stats.json': (t) => {
    // 50 module entries on AV90…AV99, 20 distinct DNAs: AV94–AV99 repeat AV91/AV92's modules.
    expect(t.notes).toEqual(['30 module entries repeat a DNA listed earlier (stale devices); ignored']);
    expect(t.boards).toHaveLength(80);
    expect(t.hashrateThs).toEqual({ nominal: 439.759 });
    expect(t.temperatures).toEqual({ inletC: 25, hottestChipC: 95 });
    expect(t.fansRpm).toHaveLength(20);
    expect(t.status).toBe('ok');
  },
  'avalon921_summary.json': (t) => {
    expect(t.hashrateThs).toEqual({ average: 420.7, recent: 473.708, recentWindow: '5s' });
    expect(t.hardwareErrors).toBe(128);
    expect(t.uptimeSeconds).toBe(66007);
  },
  'avalonq_ascset_help.json': (t) =>
    expect(t).toEqual({ sources: ['status'], repairs: [], cgminerVersion: '4.11.1' }),
  'avalonq_ascset_softoff.json': (t) =>
    expect(t).toEqual({ sources: ['status'], repairs: [], cgminerVersion: '4.11.1' }),
  'avalonq_ascset_softon.json': (t) =>
    expect(t).toEqual({ sources: ['status'], repairs: [], cgminerVersion: '4.11.1' }),
  'avalonq_ascset_workmode.json': (t) =>
    expect(t).toEqual({ sources: ['status'], repairs: [], cgminerVersion: '4.11.1' }),
  'avalonq_check.json': (t) =>
    expect(t).toEqual({ sources: ['check'], repairs: [], cgminerVersion: '4.11.1' }),
  'avalonq_coin.json': (t) => expect(t).toEqual({ sources: ['coin'], repairs: [], cgminerVersion: '4.11.1' }),
  'avalonq_config.json': (t) =>
    expect(t).toEqual({ sources: ['config'], repairs: [], cgminerVersion: '4.11.1' }),
  'avalonq_devdetails.json': (t) =>
    expect(t).toEqual({ sources: ['devdetails'], repairs: [], cgminerVersion: '4.11.1' }),
  'avalonq_devs.json': (t) => {
    expect(t.hashrateThs).toEqual({ average: 44.047, recent: 0, recentWindow: '5s' });
    expect(t.uptimeSeconds).toBe(38136);
    expect(t.rejectedPercent).toBe(0.2007);
  },
  'avalonq_litestats.json': (t) => {
    expect(t.model).toBe('Q');
    expect(t.status).toBe('idle');
    expect(t.temperatures).toEqual({ inletC: 26, outletC: 27 }); // TMax[0]: no chip reading
    expect(t.powerW).toBe(146);
    expect(t.powerLimitW).toBe(800);
  },
  'avalonq_pools.json': (t) => {
    expect(t.pools).toEqual([
      {
        url: 'stratum+tcp://pool.example.com:4444',
        index: 0,
        user: 'worker1',
        status: 'Alive',
        priority: 0,
        active: true,
      },
    ]);
  },
  'avalonq_stats.json': (t) => {
    expect(t.model).toBe('Q');
    expect(t.firmware).toBe('25052801_14a19a2');
    expect(t.dna).toBeUndefined(); // DNA[<DELETED>]
    expect(t.hashrateThs).toEqual({ average: 44.499, recent: 0, recentWindow: 'current', nominal: 55.033 });
    expect(t.boards).toEqual([{ index: 0, hashrateThs: 44.499, chips: 160, chipMaxC: 71 }]);
    expect(t.temperatures).toEqual({ inletC: 26, outletC: 27, hottestChipC: 71 });
    expect(t.fansRpm).toEqual([0, 0, 0, 0]);
    expect(t.softOff).toBe(true);
    expect(t.workState).toBe('In Idle');
    expect(t.status).toBe('idle');
    expect(t.statusReason).toBe('soft-off (SoftOFF 4); work state In Idle');
  },
  'avalonq_summary.json': (t) => {
    expect(t.hashrateThs).toEqual({ average: 44.54, recent: 0, recentWindow: '5s' });
    expect(t.uptimeSeconds).toBe(37714);
  },
  'avalonq_version.json': (t) => {
    expect(t.model).toBe('Q');
    expect(t.product).toBe('Avalon Q');
    expect(t.mac).toBe('aa:bb:cc:dd:ee:ff');
    expect(t.dna).toBe('01234567890123456789012345678901');
  },
};

describe('decodeFile on every captured reply', () => {
  it('has an expectation for every file in the fixtures folder', () => {
    expect(Object.keys(EXPECTED).sort()).toEqual(fixtureNames());
  });

  for (const name of Object.keys(EXPECTED)) {
    it(name, () => EXPECTED[name]!(decodeFile(readFixture(name))));
  }
});

describe('normalise', () => {
  it('merges separate replies of one miner, and the text form reads like the JSON one', () => {
    const t = normalise(
      ['avalon1566_version.json', 'avalon1566_devs.json', 'avalon1566_pools.json'].map((n) =>
        decodeReply(readFixture(n)),
      ),
    );
    expect(t.sources).toEqual(['version', 'devs', 'pools']);
    expect(t.mac).toBe('12:34:56:78:90:12');
    expect(t.hashrateThs?.recent).toBe(197.498);
    expect(t.pools).toHaveLength(3);
    expect(t.rejectedPercent).toBe(0.6711); // pool figure preferred over the device one

    const text =
      'STATUS=S,When=986,Code=11,Msg=Summary,Description=cgminer 4.11.1|' +
      'SUMMARY,Elapsed=924,MHS av=192796247.36,MHS 30s=197497926.49,Hardware Errors=0,Pool Rejected%=0.6711|\u0000';
    expect(decodeFile(text)).toMatchObject({
      sources: ['summary'],
      hashrateThs: { average: 192.796, recent: 197.498, recentWindow: '30s' },
      uptimeSeconds: 924,
      rejectedPercent: 0.6711,
      status: 'ok',
    });
  });

  it('reports refused commands and derives each fault status with its reason', () => {
    const denied = decodeFile(
      '{"STATUS":[{"STATUS":"E","When":1,"Code":45,"Msg":"Access denied to \'ascset\' command","Description":"x"}],"id":1}',
    );
    expect(denied.commandErrors).toEqual([
      { command: 'status', code: 45, message: "Access denied to 'ascset' command" },
    ]);

    const stats = (mm: string) =>
      decodeFile(
        JSON.stringify({ STATUS: [{ STATUS: 'S', Code: 70 }], STATS: [{ ID: 'AVA100', 'MM ID0': mm }] }),
      );
    const base =
      'Ver[1246-83-21072802_4ec6bb0_211fc46] SYSTEMSTATU[Work: In Work, Hash Board: 3] Temp[25] TMax[80] Fan1[3000] Fan2[3010] MGHS[30000 30000 30000]';
    expect(stats(base).status).toBe('ok');
    expect(stats(base.replace('TMax[80]', 'TMax[104]'))).toMatchObject({
      status: 'overheating',
      statusReason: 'hottest chip 104 °C (limit 100 °C)',
    });
    expect(stats(base.replace('Fan2[3010]', 'Fan2[0]'))).toMatchObject({
      status: 'fan-failure',
      statusReason: 'fan 2 at 0 RPM',
    });
    expect(
      stats(base.replace('MGHS[30000 30000 30000]', 'MGHS[30000 0 30000]').replace('Board: 3', 'Board: 2')),
    ).toMatchObject({
      status: 'board-down',
      statusReason:
        'board 1 hashing 0 TH/s against 30 on the best; firmware reports 2 of 3 hash boards working',
    });
    expect(stats(`${base} PS[64 1215 1296 231 2996 1296 3120]`)).toMatchObject({
      status: 'degraded',
      statusReason: 'PSU error code 64 (output over-current)',
      psu: { errorCode: 64 },
    });
    expect(stats(`${base} PS[0 1215 1296 231 2996 1296 3120]`).status).toBe('ok');
    expect(stats(`${base} SoftOFF[1]`).status).toBe('idle');
    expect(stats(base.replace('In Work', 'In Init')).status).toBe('degraded');
    expect(stats(base.replace('TMax[80]', 'TMax[104]').replace('Fan2[3010]', 'Fan2[0]'))).toMatchObject({
      status: 'overheating',
      statusReason: 'hottest chip 104 °C (limit 100 °C); fan 2 at 0 RPM',
    });
    expect(DEFAULT_THRESHOLDS.chipC).toBe(100);
  });
});
