import { describe, expect, it } from 'vitest';
import { assessHealth } from '../fleet/protocol/health.js';
import {
  changedRule,
  checkWebhookUrl,
  DEFAULT_RULES,
  type MachineReading,
  machineVerdicts,
  NEW_TRACKING,
  pollerVerdict,
  type Rule,
  retryDelaySeconds,
  siteVerdict,
  step,
  type Tracking,
  type Verdict,
} from './model.js';

const T0 = Date.parse('2026-12-06T12:00:00Z');
const at = (s: number) => new Date(T0 + s * 1000);
const fan: Rule = {
  ...DEFAULT_RULES['fan-failure'],
  sustainSeconds: 30,
  cooldownSeconds: 300,
  flapLimit: 4,
  flapWindowSeconds: 600,
};
const holds: Verdict = { holds: true, detail: 'fan 2 at 0 RPM' };
const clear: Verdict = { holds: false };

/** Feeds verdicts at the given seconds and returns every transition with when it happened. */
function run(r: Rule, series: [number, Verdict][], mayFire = true) {
  let t: Tracking = NEW_TRACKING;
  let next = 1;
  const out: string[] = [];
  for (const [s, v] of series) {
    const { tracking, transition } = step(t, v, r, at(s), mayFire);
    t = tracking;
    if (transition?.to === 'fire') {
      t = { ...t, alertId: next++ };
      out.push(`${s}:fire${transition.flapping ? ':flapping' : ''}`);
    } else if (transition) out.push(`${s}:resolve`);
  }
  return { out, tracking: t };
}

describe('step: sustain', () => {
  it('fires only once the condition has held for the sustain time, and resolves after as long clear', () => {
    const { out } = run(fan, [
      [0, holds],
      [10, holds],
      [29, holds],
      [30, holds],
      [40, holds],
      [50, clear],
      [70, clear],
      [80, clear],
    ]);
    expect(out).toEqual(['30:fire', '80:resolve']);
  });
  it('starts the sustain again when the condition clears before it is met', () => {
    expect(
      run(fan, [
        [0, holds],
        [20, clear],
        [40, holds],
        [60, holds],
        [70, holds],
      ]).out,
    ).toEqual(['70:fire']);
  });
});

describe('step: cool-down', () => {
  it('does not fire again within the cool-down after a resolution, then does', () => {
    const { out } = run(fan, [
      [0, holds],
      [30, holds], // fire
      [40, clear],
      [70, clear], // resolve at 70
      [100, holds],
      [200, holds], // held 100 s but within 300 s of the resolution
      [369, holds],
      [370, holds], // cooled
    ]);
    expect(out).toEqual(['30:fire', '70:resolve', '370:fire']);
  });
});

describe('step: flap suppression', () => {
  it('raises one alert for a condition that keeps changing, kept open while it flaps', () => {
    const quick: Rule = { ...fan, sustainSeconds: 60 };
    const series: [number, Verdict][] = [];
    // Holds 20 s, clears 20 s, over and over: never 60 s in a row.
    for (let s = 0; s < 400; s += 20) series.push([s, (s / 20) % 2 === 0 ? holds : clear]);
    const { out } = run(quick, series);
    // Flapping from the fourth change (60 s), held since 40 s: sustained at 100 s, and never again.
    expect(out).toEqual(['100:fire:flapping']);
  });
  it('resolves a flapping alert once the changes leave the window and it stays clear', () => {
    const r: Rule = { ...fan, sustainSeconds: 60, flapWindowSeconds: 120 };
    const series: [number, Verdict][] = [];
    for (let s = 0; s < 100; s += 20) series.push([s, (s / 20) % 2 === 0 ? holds : clear]);
    for (let s = 100; s <= 400; s += 20) series.push([s, clear]);
    const { out } = run(r, series);
    expect(out[0]).toBe('100:fire:flapping');
    expect(out).toHaveLength(2);
    // Changes at 0, 20 … 100: at 180 only three remain in the 120 s window (no longer flapping),
    // and it has been clear since 100, over the 60 s sustain.
    expect(out[1]).toBe('180:resolve');
  });
  it('with flapLimit 0 never calls anything flapping', () => {
    const series: [number, Verdict][] = [];
    for (let s = 0; s < 400; s += 20) series.push([s, (s / 20) % 2 === 0 ? holds : clear]);
    expect(run({ ...fan, sustainSeconds: 60, flapLimit: 0 }, series).out).toEqual([]);
  });
});

describe('step: unknown readings change nothing', () => {
  it('neither advances nor resolves on a stale reading or an idle machine', () => {
    const unknown: Verdict = { holds: 'unknown', why: 'meant to be idle: soft off' };
    const { out } = run(fan, [
      [0, holds],
      [30, holds], // fire
      [40, unknown],
      [500, unknown],
      [900, holds],
    ]);
    expect(out).toEqual(['30:fire']);
    expect(
      run(fan, [
        [0, unknown],
        [100, unknown],
        [200, unknown],
      ]).out,
    ).toEqual([]);
  });
  it('holds a firing back when told so (the site incident speaks for the machine)', () => {
    expect(
      run(
        fan,
        [
          [0, holds],
          [60, holds],
        ],
        false,
      ).out,
    ).toEqual([]);
  });
});

const reading = (over: Partial<MachineReading> = {}): MachineReading => ({
  machineId: 1,
  serial: 'S1',
  site: 'LAB',
  model: 'A1246',
  status: 'ok',
  consecutiveFailures: 0,
  lastFailure: undefined,
  lastSeenAt: at(0),
  medianThs: 90,
  meantIdle: undefined,
  telemetry: {
    sources: ['summary', 'estats', 'pools'],
    repairs: [],
    hashrateThs: { recent: 88, nominal: 90 },
    uptimeSeconds: 3600,
    boards: [
      { index: 0, hashrateThs: 30 },
      { index: 1, hashrateThs: 29 },
      { index: 2, hashrateThs: 29 },
    ],
    temperatures: { hottestChipC: 80 },
    fansRpm: [3000, 3100],
    psu: { errorCode: 0 },
    pools: [
      { index: 0, url: 'stratum+tcp://a:3333', status: 'Alive', priority: 0, active: true },
      { index: 1, url: 'stratum+tcp://b:3333', status: 'Alive', priority: 1, active: false },
    ],
  },
  ...over,
});
const fresh = { now: at(10), maxAgeSeconds: 60 };

describe('machineVerdicts', () => {
  it('finds nothing wrong with a healthy reading', () => {
    const v = machineVerdicts(reading(), DEFAULT_RULES, fresh);
    expect(Object.values(v).every((x) => x.holds === false)).toBe(true);
  });
  it('names each fault', () => {
    const t = reading().telemetry!;
    const bad = reading({
      telemetry: {
        ...t,
        hashrateThs: { recent: 40, nominal: 90 },
        boards: [
          { index: 0, hashrateThs: 30 },
          { index: 1, hashrateThs: 0 },
        ],
        temperatures: { hottestChipC: 101 },
        fansRpm: [3000, 0],
        psu: { errorCode: 3 },
        pools: [
          { index: 0, url: 'stratum+tcp://a:3333', status: 'Dead', priority: 0, active: false },
          { index: 1, url: 'stratum+tcp://b:3333', status: 'Dead', priority: 1, active: true },
        ],
      },
    });
    const v = machineVerdicts(bad, DEFAULT_RULES, fresh);
    const detail = (k: keyof typeof v) => {
      const x = v[k];
      return x.holds === true ? x.detail : `not holding: ${JSON.stringify(x)}`;
    };
    expect(detail('hashrate-low-nominal')).toContain('44% of nominal');
    expect(detail('hashrate-low-median')).toContain('24 h median 90');
    expect(detail('board-down')).toContain('board 1');
    expect(detail('over-temperature')).toContain('101 °C');
    expect(detail('fan-failure')).toContain('fan 2 at 0 RPM');
    expect(detail('psu-fault')).toContain('code 3');
    expect(detail('pool-dead')).toContain('none of 2');
    expect(detail('pool-switched')).toContain('b:3333');
    expect(v['machine-offline'].holds).toBe(false);
  });
  it('fires over-temperature, board-down and fan-failure where the machine’s status says so, by default', () => {
    const t = reading().telemetry!;
    const at = (chip: number, fan: number, board: number) => {
      const telemetry = {
        ...t,
        temperatures: { hottestChipC: chip },
        fansRpm: [3000, fan],
        boards: [
          { index: 0, hashrateThs: 30 },
          { index: 1, hashrateThs: board },
        ],
      };
      const v = machineVerdicts(reading({ telemetry }), DEFAULT_RULES, fresh);
      const health = assessHealth({
        hottestChipC: chip,
        fansRpm: telemetry.fansRpm,
        boards: telemetry.boards,
      });
      return {
        alerts: (['over-temperature', 'fan-failure', 'board-down'] as const).filter(
          (k) => v[k].holds === true,
        ),
        health,
        v,
      };
    };
    // 97 °C: the status is ok (overheating from 100 °C), so no alert says otherwise.
    expect(at(97, 3000, 30)).toMatchObject({ alerts: [], health: { status: 'ok' } });
    const hot = at(100, 3000, 30);
    expect(hot.alerts).toEqual(['over-temperature']);
    expect(hot.health).toMatchObject({ status: 'overheating', reason: 'hottest chip 100 °C (limit 100 °C)' });
    // Each text says which limit it is: the status's own, or the alert rule's threshold (which an operator may move).
    expect(hot.v['over-temperature']).toEqual({
      holds: true,
      detail: 'hottest chip 100 °C (alert rule’s threshold 100 °C)',
    });
    expect(at(80, 299, 30).alerts).toEqual(['fan-failure']);
    expect(at(80, 300, 30).alerts).toEqual([]);
    expect(at(80, 3000, 1.5).alerts).toEqual(['board-down']);
    expect(at(80, 3000, 1.6).alerts).toEqual([]);
  });
  it('is silent for a machine meant to be idle and for a stale reading, but still sees it offline', () => {
    const off = reading({
      meantIdle: 'soft off requested',
      telemetry: { ...reading().telemetry!, fansRpm: [0, 0] },
    });
    expect(
      Object.values(machineVerdicts(off, DEFAULT_RULES, fresh)).every((x) => x.holds === 'unknown'),
    ).toBe(true);
    const stale = machineVerdicts(
      reading({
        status: 'offline',
        consecutiveFailures: 5,
        telemetry: { ...reading().telemetry!, fansRpm: [0] },
      }),
      DEFAULT_RULES,
      { now: at(600), maxAgeSeconds: 60 },
    );
    expect(stale['fan-failure'].holds).toBe('unknown');
    expect(stale['machine-offline'].holds).toBe(true);
    expect(stale['machine-offline']).toMatchObject({ detail: 'no answer to 5 polls in a row' });
  });
  it('says of a machine answering garbage that its answers cannot be used, not that it is silent', () => {
    const garbled = machineVerdicts(
      reading({ status: 'protocol-error', consecutiveFailures: 3, lastFailure: 'not usable JSON' }),
      DEFAULT_RULES,
      fresh,
    );
    expect(garbled['machine-offline']).toMatchObject({
      holds: true,
      detail: 'no usable answer to 3 polls in a row: not usable JSON',
    });
  });
  it('waits for a warmed-up machine before comparing with nominal', () => {
    const cold = reading({
      telemetry: { ...reading().telemetry!, hashrateThs: { recent: 10, nominal: 90 }, uptimeSeconds: 60 },
    });
    expect(machineVerdicts(cold, DEFAULT_RULES, fresh)['hashrate-low-nominal'].holds).toBe('unknown');
  });
});

describe('site and poller verdicts', () => {
  it('makes one site incident of many machines at fault, never of a couple', () => {
    const r = DEFAULT_RULES['site-incident'];
    expect(siteVerdict({ machines: 20, faulty: 5 }, r).holds).toBe(true);
    expect(siteVerdict({ machines: 20, faulty: 3 }, r).holds).toBe(false);
    expect(siteVerdict({ machines: 4, faulty: 2 }, r).holds).toBe(false);
  });
  it('calls the poller stale when no sweep finished within the threshold', () => {
    const r = DEFAULT_RULES['poller-stale'];
    const registered = { machines: 5, firstRegisteredAt: at(0) };
    expect(pollerVerdict({ ...registered, finishedAt: at(0) }, at(200), r).holds).toBe(false);
    expect(pollerVerdict({ ...registered, finishedAt: at(0) }, at(301), r).holds).toBe(true);
    expect(
      pollerVerdict({ finishedAt: undefined, machines: 0, firstRegisteredAt: undefined }, at(301), r).holds,
    ).toBe('unknown');
  });
  it('gives a fleet just registered its first sweep before calling the poller stale', () => {
    const r = DEFAULT_RULES['poller-stale'];
    const first = { finishedAt: undefined, machines: 5, firstRegisteredAt: at(0) };
    expect(pollerVerdict(first, at(5), r)).toEqual({ holds: 'unknown', why: 'the first sweep is under way' });
    expect(pollerVerdict(first, at(301), r).holds).toBe(true);
  });
});

describe('rules and webhooks refuse bad settings naming the field', () => {
  it('refuses a negative threshold or sustain', () => {
    expect(() => changedRule(fan, { threshold: -1 })).toThrow(/threshold must be 0 or more/);
    expect(() => changedRule(fan, { sustainSeconds: -5 })).toThrow(
      expect.objectContaining({ field: 'sustainSeconds' }),
    );
    expect(changedRule(fan, { threshold: 500 }).threshold).toBe(500);
  });
  it('takes only http(s) webhook addresses', () => {
    expect(checkWebhookUrl('https://ops.example/hook').host).toBe('ops.example');
    expect(() => checkWebhookUrl('ftp://ops.example/hook')).toThrow(
      expect.objectContaining({ field: 'url' }),
    );
    expect(() => checkWebhookUrl('ops.example')).toThrow(/http\(s\)/);
  });
  it('backs off doubling, capped', () => {
    expect([1, 2, 3, 4].map((n) => retryDelaySeconds(n, 2))).toEqual([2, 4, 8, 16]);
    expect(retryDelaySeconds(30, 2)).toBe(3600);
  });
});
