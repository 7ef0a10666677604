/**
 * A miner's status from its normalised telemetry: one of six words and the reasons behind it.
 * Pure rules over the figures, thresholds passed in, so that the poller, the tests and the
 * simulator agree on what "overheating" means.
 */

export type MinerStatus = 'ok' | 'degraded' | 'overheating' | 'fan-failure' | 'board-down' | 'idle';

export interface HealthThresholds {
  /** Hottest chip at or above this is overheating. Avalon's own limit without privilege is 105 °C. */
  chipC: number;
  /** Air coming in at or above this is overheating whatever the chips say. */
  inletC: number;
  /** A fan below this many RPM while hashing has failed. */
  minFanRpm: number;
  /** A board below this share of the best board's hashrate is down. */
  boardShare: number;
  /** Recent hashrate below this share of nominal is degraded (once warmed up). */
  nominalShare: number;
  /** Seconds after start before hashrate is compared with nominal: averages start low. */
  warmupSeconds: number;
  /** Rejected shares above this percentage is degraded. */
  rejectedPercent: number;
}

export const DEFAULT_THRESHOLDS: HealthThresholds = {
  chipC: 100,
  inletC: 45,
  minFanRpm: 300,
  boardShare: 0.05,
  nominalShare: 0.8,
  warmupSeconds: 900,
  rejectedPercent: 5,
};

/** What the rules look at; every field optional because replies carry different parts. */
export interface HealthInput {
  recentThs?: number;
  recentWindow?: string;
  nominalThs?: number;
  uptimeSeconds?: number;
  inletC?: number;
  hottestChipC?: number;
  fansRpm?: readonly number[];
  fanError?: number;
  boards?: readonly { index: number; hashrateThs?: number }[];
  /** Per module: boards the firmware says work vs boards it lists. */
  boardCounts?: readonly { working: number; listed: number }[];
  workState?: string;
  softOff?: number;
  rejectedPercent?: number;
  poolStatuses?: readonly string[];
  /** The PSU's own error code (0 is healthy) and what its bits mean, as the firmware reports them. */
  psu?: { errorCode: number; meaning: readonly string[] };
}

const SEVERITY: readonly MinerStatus[] = ['overheating', 'fan-failure', 'board-down', 'degraded'];

/**
 * `n` to two decimals at most, as `(Math.round(n * 100) / 100).toString()` writes it (`90.18`,
 * `90.1`, `90`), made of whole numbers: a fraction's shortest decimal form, worked out afresh for
 * every machine's hashrate in every poll's reason, showed in a sweep's profile. Past 10^15
 * hundredths (where toString could turn to exponents) it is toString's own.
 */
function fmt(n: number): string {
  const hundredths = Math.round(n * 100);
  if (!(Math.abs(hundredths) < 1e15)) return (hundredths / 100).toString();
  if (hundredths === 0) return '0'; // -0 too
  const size = Math.abs(hundredths);
  const whole = Math.floor(size / 100);
  const cents = size - whole * 100;
  const digits =
    cents === 0
      ? `${whole}`
      : cents % 10 === 0
        ? `${whole}.${cents / 10}`
        : `${whole}.${cents < 10 ? '0' : ''}${cents}`;
  return hundredths < 0 ? `-${digits}` : digits;
}

export function assessHealth(
  input: HealthInput,
  thresholds: HealthThresholds = DEFAULT_THRESHOLDS,
): { status: MinerStatus; reason: string } {
  const idle: string[] = [];
  if (input.softOff !== undefined && input.softOff > 0) idle.push(`soft-off (SoftOFF ${input.softOff})`);
  if (input.workState === 'In Idle') idle.push('work state In Idle');
  if (idle.length > 0) return { status: 'idle', reason: idle.join('; ') };

  const findings: { status: MinerStatus; reason: string }[] = [];
  const add = (status: MinerStatus, reason: string) => findings.push({ status, reason });

  if (input.hottestChipC !== undefined && input.hottestChipC >= thresholds.chipC) {
    add('overheating', `hottest chip ${input.hottestChipC} °C (limit ${thresholds.chipC} °C)`);
  }
  if (input.inletC !== undefined && input.inletC >= thresholds.inletC) {
    add('overheating', `inlet air ${input.inletC} °C (limit ${thresholds.inletC} °C)`);
  }
  (input.fansRpm ?? []).forEach((rpm, i) => {
    if (rpm < thresholds.minFanRpm) add('fan-failure', `fan ${i + 1} at ${rpm} RPM`);
  });
  if (input.fanError !== undefined && input.fanError > 0)
    add('fan-failure', `fan error code ${input.fanError}`);

  const boards = (input.boards ?? []).filter((b) => b.hashrateThs !== undefined);
  const best = boards.reduce((top, b) => Math.max(top, b.hashrateThs!), 0);
  if (best > 0) {
    for (const b of boards) {
      if (b.hashrateThs! <= best * thresholds.boardShare) {
        add(
          'board-down',
          `board ${b.index} hashing ${fmt(b.hashrateThs!)} TH/s against ${fmt(best)} on the best`,
        );
      }
    }
  }
  for (const { working, listed } of input.boardCounts ?? []) {
    if (working < listed) add('board-down', `firmware reports ${working} of ${listed} hash boards working`);
  }
  // A PSU that reports an error is a hardware fault even while the boards still hash: it may cut
  // them at any moment (over-current, over-temperature). It has no status of its own; `degraded` is
  // the model's word for a machine that works but not as it should, and the reason names the PSU.
  if (input.psu !== undefined && input.psu.errorCode > 0) {
    const meaning = input.psu.meaning.length > 0 ? ` (${input.psu.meaning.join(', ')})` : '';
    add('degraded', `PSU error code ${input.psu.errorCode}${meaning}`);
  }

  if (input.workState === 'In Init') add('degraded', 'initialising (work state In Init)');
  const window = input.recentWindow ? ` (${input.recentWindow})` : '';
  if (input.recentThs === 0) add('degraded', `recent hashrate${window} is 0 TH/s`);
  else if (
    input.recentThs !== undefined &&
    input.nominalThs !== undefined &&
    input.nominalThs > 0 &&
    (input.uptimeSeconds ?? 0) >= thresholds.warmupSeconds &&
    input.recentThs < input.nominalThs * thresholds.nominalShare
  ) {
    const share = Math.round((input.recentThs / input.nominalThs) * 100);
    add(
      'degraded',
      `recent hashrate${window} ${fmt(input.recentThs)} TH/s is ${share}% of nominal ${fmt(input.nominalThs)}`,
    );
  }
  if (input.rejectedPercent !== undefined && input.rejectedPercent > thresholds.rejectedPercent) {
    add('degraded', `rejected shares ${input.rejectedPercent}% (limit ${thresholds.rejectedPercent}%)`);
  }
  const pools = input.poolStatuses ?? [];
  if (pools.length > 0 && !pools.includes('Alive')) add('degraded', 'no pool is alive');

  if (findings.length === 0) {
    const hashing = input.recentThs ?? undefined;
    return {
      status: 'ok',
      reason: hashing === undefined ? 'no fault found' : `hashing ${fmt(hashing)} TH/s, no fault found`,
    };
  }
  const status = SEVERITY.find((s) => findings.some((f) => f.status === s))!;
  return { status, reason: findings.map((f) => f.reason).join('; ') };
}
