/**
 * What a simulated Avalon miner measures at a given moment. Every value is a function of the fleet
 * seed, the miner's index, its control state and the time — no per-miner buffers — so a fleet of
 * 50,000 costs a few hundred bytes a miner and the same seed always yields the same fleet.
 *
 * Figures are modelled on the captured replies (test/fixtures/miner-responses): the A1047
 * `MM ID0` string layout, its 120 chips a board, `PS[err Vctl Vhb I P Vset wall]`, work modes.
 */
import { createRandom } from '../../kernel/random.js';

export type ModelCode = 'A1047' | 'A1246' | 'A1566';

export interface ModelSpec {
  code: ModelCode;
  prod: string;
  model: string;
  hwtype: string;
  swtype: string;
  firmware: string;
  boards: number;
  chipsPerBoard: number;
  fans: number;
  /** Per work mode: nominal TH/s and wall watts (mode 0 = normal, 1 = performance). */
  modes: readonly { ths: number; watts: number }[];
}

export const MODELS: Record<ModelCode, ModelSpec> = {
  A1047: {
    code: 'A1047',
    prod: 'AvalonMiner 1047',
    model: '1047',
    hwtype: 'MM3v1_X2',
    swtype: 'MM314',
    firmware: '20051101_85dc6f0_0332654',
    boards: 2,
    chipsPerBoard: 120,
    fans: 2,
    modes: [
      { ths: 33, watts: 2150 },
      { ths: 37.5, watts: 2380 },
    ],
  },
  A1246: {
    code: 'A1246',
    prod: 'AvalonMiner 1246-83',
    model: '1246-83',
    hwtype: 'MM3v2_X3',
    swtype: 'MM314',
    firmware: '21072802_4ec6bb0_211fc46',
    boards: 3,
    chipsPerBoard: 120,
    fans: 2,
    modes: [
      { ths: 83, watts: 3080 },
      { ths: 90, watts: 3420 },
    ],
  },
  A1566: {
    code: 'A1566',
    prod: 'AvalonMiner 15-194',
    model: '15-194',
    hwtype: 'MM4v2_X3',
    swtype: 'MM319',
    firmware: '24102401_25462b2_9ddf522',
    boards: 3,
    chipsPerBoard: 160,
    fans: 2,
    modes: [
      { ths: 185, watts: 3550 },
      { ths: 194, watts: 3720 },
    ],
  },
};

export const FAULTS = [
  'board-down',
  'overheating',
  'fan-failure',
  'offline',
  'slow',
  'malformed',
  'garbage',
] as const;
/**
 * Miners that misbehave on purpose, to prove that none can stall or fool the poller
 * (simulator-hostile.ts says what each does). Never drawn unless asked for by name.
 */
export const HOSTILE_FAULTS = [
  'silent',
  'trickle',
  'flood',
  'invalid-json',
  'reset',
  'no-close',
  'deep',
  'absurd-hashrate',
] as const;
export type HostileFault = (typeof HOSTILE_FAULTS)[number];
/**
 * Faults only set by hand (`setFault`, `--faults`, the demo's fault control), never drawn by the
 * fault rate: adding one to FAULTS would change which miner draws which fault in every seeded fleet.
 */
export const MANUAL_FAULTS = ['psu-fault'] as const;
export const ALL_FAULTS: readonly Fault[] = [...FAULTS, ...HOSTILE_FAULTS, ...MANUAL_FAULTS];
export type Fault = (typeof FAULTS)[number] | HostileFault | (typeof MANUAL_FAULTS)[number];
/** The PSU error code a `psu-fault` machine reports: output over-current (bit 64, PROTOCOL.md §PS). */
export const SIMULATED_PSU_ERROR = 64;

export interface PoolConfig {
  url: string;
  user: string;
}

export const DEFAULT_POOLS: readonly PoolConfig[] = [
  { url: 'stratum+tcp://btc.pool.example:3333', user: 'hashforge.site1' },
  { url: 'stratum+tcp://btc.pool.example:443', user: 'hashforge.site1' },
  { url: 'stratum+tcp://backup.pool.example:3333', user: 'hashforge.backup' },
];

/** One miner: identity fixed by the seed, control state changed by commands. Kept small. */
export interface MinerState {
  index: number;
  spec: ModelSpec;
  seed: string;
  mac: string;
  dna: string;
  inletBase: number;
  fanBase: number;
  boardFactors: number[];
  fault: Fault | null;
  faultBoard: number;
  /** Controller boot (ms); cgminer's Elapsed counts from here. */
  bootAt: number;
  workMode: number;
  /** A-series work mode takes effect at the next reboot (Canaan A10 manual §2.4). */
  pendingWorkMode?: number;
  workLevel: number;
  led: number;
  softOffAt?: number;
  softOnAt?: number;
  /** Seconds spent soft-off before the current off period, since boot. */
  offSeconds: number;
  /** Down for a reboot until this time (ms). */
  rebootUntil?: number;
  /** Pool order: indices into `pools`, highest priority first. */
  poolOrder: number[];
  pools: readonly PoolConfig[];
  /** Pools written by `setpool`, used from the next reboot (Canaan: "Please reboot miner"). */
  pendingPools?: readonly PoolConfig[];
  /** Pools `addpool` appended to `pools` at run time: not saved, gone after a reboot. */
  addedPools: number;
}

/** The pools in the controller's saved config: those `addpool` appended are not. */
export const savedPools = (state: MinerState): readonly PoolConfig[] =>
  state.pools.slice(0, state.pools.length - state.addedPools);

function hex(n: number, digits: number): string {
  return (n >>> 0).toString(16).padStart(digits, '0').slice(-digits);
}

function seedHash(seed: string): number {
  return Math.floor(createRandom(`fleet:${seed}`).next() * 0x1000000);
}

export interface FleetSettings {
  seed: string;
  spec: ModelSpec;
  faultRate: number;
  faults: readonly Fault[];
  startedAt: number;
}

export function createMiner(index: number, fleet: FleetSettings): MinerState {
  const rng = createRandom(`${fleet.seed}:${index}`);
  const h = seedHash(fleet.seed);
  // Canaan's OUI (b4:a2:eb, seen in the web fixtures); the low 24 bits make each MAC unique in a fleet.
  const low = (h + index) & 0xffffff;
  const mac = `b4:a2:eb:${hex(low >> 16, 2)}:${hex(low >> 8, 2)}:${hex(low, 2)}`;
  const dna = `0201${hex(h, 6)}${hex(index, 6)}`;
  const faulty = fleet.faults.length > 0 && rng.chance(fleet.faultRate);
  const fault = faulty ? rng.pick(fleet.faults) : null;
  return {
    index,
    spec: fleet.spec,
    seed: fleet.seed,
    mac,
    dna,
    inletBase: 20 + rng.next() * 10,
    fanBase: 2800 + rng.next() * 600,
    boardFactors: Array.from({ length: fleet.spec.boards }, () => 0.97 + rng.next() * 0.06),
    fault,
    faultBoard: rng.int(0, fleet.spec.boards - 1),
    bootAt: fleet.startedAt - rng.int(600, 10 * 86_400) * 1000,
    workMode: 1,
    workLevel: 0,
    led: 0,
    offSeconds: 0,
    poolOrder: DEFAULT_POOLS.map((_, i) => i),
    pools: DEFAULT_POOLS,
    addedPools: 0,
  };
}

/** The controller comes back from a reboot: saved settings apply, runtime state starts afresh. */
export function completeReboot(state: MinerState, at: number): void {
  state.bootAt = at;
  state.softOffAt = undefined;
  state.softOnAt = undefined;
  state.offSeconds = 0;
  state.rebootUntil = undefined;
  if (state.pendingWorkMode !== undefined) state.workMode = state.pendingWorkMode;
  state.pendingWorkMode = undefined;
  state.pools = state.pendingPools ?? savedPools(state);
  state.pendingPools = undefined;
  state.addedPools = 0;
  // switchpool is not saved to the config, so priorities return to the configured order.
  state.poolOrder = state.pools.map((_, i) => i);
}

/** Apply scheduled soft-off/on whose time has come (evaluated lazily, no timers per miner). */
export function settle(state: MinerState, now: number): void {
  if (state.softOffAt !== undefined && state.softOnAt !== undefined && state.softOnAt <= now) {
    const from = Math.max(state.softOffAt, state.bootAt);
    if (state.softOnAt > from) state.offSeconds += (state.softOnAt - from) / 1000;
    state.softOffAt = undefined;
    state.softOnAt = undefined;
  } else if (state.softOffAt === undefined && state.softOnAt !== undefined) {
    state.softOnAt = undefined;
  }
}

export function isSoftOff(state: MinerState, now: number): boolean {
  return state.softOffAt !== undefined && state.softOffAt <= now;
}

export interface Reading {
  elapsed: number;
  hashingSeconds: number;
  softOff: boolean;
  /** Per board, GH/s right now. */
  boardGhs: number[];
  /** Nominal GH/s for the current work mode (`GHSmm`). */
  nominalGhs: number;
  /** Rolling windows, MH/s. */
  mhs: { av: number; s30: number; m1: number; m5: number; m15: number };
  inletC: number;
  boardTempAvg: number[];
  /** Which shared per-chip pattern this miner's chips follow (see chipPattern). */
  chipPattern: number;
  /** Per board, the hottest chip (0 for a board that is down or idle). */
  boardChipMax: number[];
  fansRpm: number[];
  fanDuty: number;
  wallW: number;
  /** The PSU's error code `PS[0]`: 0 when healthy. */
  psuError: number;
  outputW: number;
  accepted: number;
  rejected: number;
  hwErrors: number;
  dhPercent: number;
  boardsWorking: number;
}

/** Smooth noise in [-1, 1] per channel: values at minute boundaries, eased in between. */
function noiseAt(state: MinerState, now: number, channels: number): number[] {
  const x = now / 60_000;
  const k = Math.floor(x);
  const f = x - k;
  const ease = f * f * (3 - 2 * f);
  const a = createRandom(`${state.seed}:${state.index}:${k}`);
  const b = createRandom(`${state.seed}:${state.index}:${k + 1}`);
  const noise = new Array<number>(channels);
  for (let i = 0; i < channels; i++) {
    const va = a.next();
    noise[i] = (va + (b.next() - va) * ease) * 2 - 1;
  }
  return noise;
}

/** How far a rolling hashrate window has filled since boot. */
const ramp = (elapsed: number, window: number) => Math.min(1, elapsed / window);

/**
 * Chips differ from their board's average by a fixed offset each. Miners share a few dozen offset
 * patterns per model (picked by index), so a 50,000-miner fleet does not store 18 million of them.
 */
export const CHIP_PATTERNS = 64;

export interface ChipPattern {
  /** Per board, per chip: °C above or below the board average. */
  temps: Int8Array[];
  /** Per board, per chip: core voltage in 10 mV. */
  volts: Int16Array[];
  /** Per board: the largest temperature offset. */
  maxOffset: number[];
}

/** Per model, its patterns by number; looked up for every reply, so keyed by the spec itself. */
const patterns = new WeakMap<ModelSpec, ChipPattern[]>();

export function chipPatternOf(spec: ModelSpec, k: number): ChipPattern {
  let ofModel = patterns.get(spec);
  if (!ofModel) {
    ofModel = [];
    patterns.set(spec, ofModel);
  }
  let pattern = ofModel[k];
  if (!pattern) {
    const rng = createRandom(`chips:${spec.code}:${k}`);
    const temps = Array.from({ length: spec.boards }, () =>
      Int8Array.from({ length: spec.chipsPerBoard }, () => Math.round((rng.next() - 0.5) * 12)),
    );
    const volts = Array.from({ length: spec.boards }, () =>
      Int16Array.from({ length: spec.chipsPerBoard }, () => 310 + Math.floor(rng.next() * 20)),
    );
    pattern = { temps, volts, maxOffset: temps.map((t) => Math.max(...t)) };
    ofModel[k] = pattern;
  }
  return pattern;
}

export function read(state: MinerState, now: number): Reading {
  settle(state, now);
  const spec = state.spec;
  const elapsed = Math.max(1, Math.floor((now - state.bootAt) / 1000));
  const softOff = isSoftOff(state, now);
  const currentOff = softOff ? (now - Math.max(state.softOffAt!, state.bootAt)) / 1000 : 0;
  const hashingSeconds = Math.max(0, elapsed - state.offSeconds - currentOff);
  const mode = spec.modes[Math.min(state.workMode, spec.modes.length - 1)]!;
  const n = noiseAt(state, now, 8 + spec.boards);
  const perBoardGhs = (mode.ths * 1000) / spec.boards;
  const down = state.fault === 'board-down' ? state.faultBoard : -1;
  const throttle = state.fault === 'overheating' ? 0.9 : 1;
  const boardGhs: number[] = softOff
    ? Array(spec.boards).fill(0)
    : state.boardFactors.map((factor, b) =>
        b === down ? 0 : perBoardGhs * factor * throttle * (1 + 0.015 * n[8 + b]!),
      );
  const totalMhs = boardGhs.reduce((s, g) => s + g, 0) * 1000;
  const avMhs = elapsed > 0 ? (perBoardGhs * spec.boards * 1000 * throttle * hashingSeconds) / elapsed : 0;
  // About 10^12 TH/s: what three such machines once claimed.
  const lie = state.fault === 'absurd-hashrate' ? 1.2e10 : 1;
  const mhs = {
    av: avMhs * (1 + 0.003 * n[0]!) * lie,
    s30: totalMhs * (1 + 0.02 * n[1]!) * lie,
    m1: totalMhs * (1 + 0.01 * n[2]!) * ramp(elapsed, 60) * lie,
    m5: softOff ? 0 : totalMhs * ramp(elapsed, 300) * lie,
    m15: softOff ? 0 : totalMhs * ramp(elapsed, 900) * lie,
  };

  const inletC = Math.round(state.inletBase + 1.5 * n[3]!);
  const heat = state.fault === 'overheating' ? 82 : state.fault === 'fan-failure' ? 46 : 38;
  // Boards that hash harder run a little hotter.
  const boardTempAvg = boardGhs.map((_, b) =>
    b === down || softOff ? 0 : Math.round(inletC + heat + 2 * n[4]! + (state.boardFactors[b]! - 1) * 100),
  );
  const chipPattern = state.index % CHIP_PATTERNS;
  const pattern = chipPatternOf(spec, chipPattern);
  const fanDuty = softOff ? 0 : state.fault === 'fan-failure' ? 100 : Math.round(45 + 10 * n[5]!);
  const fansRpm = Array.from({ length: spec.fans }, (_, f) => {
    if (softOff) return 0;
    if (state.fault === 'fan-failure' && f === spec.fans - 1) return 0;
    return Math.round(state.fanBase * (fanDuty / 50) + 40 * n[6]! + (f % 2 === 0 ? -15 : 15));
  });

  const load = totalMhs / (mode.ths * 1e6);
  const wallW = softOff
    ? Math.round(28 + 3 * n[7]!)
    : Math.round(mode.watts * (0.08 + 0.92 * load) * (1 + 0.01 * n[7]!));
  const outputW = softOff ? 0 : Math.round(wallW * 0.96);
  const shares = hashingSeconds * (mode.ths / 90) * 0.05;
  const accepted = Math.floor(shares);
  const rejected = Math.floor(shares * 0.003);
  const hwErrors = Math.floor(hashingSeconds * 0.0004);
  const reading: Reading = {
    elapsed,
    hashingSeconds,
    softOff,
    boardGhs,
    nominalGhs: mode.ths * 1000 * 1.02,
    mhs,
    inletC,
    boardTempAvg,
    fansRpm,
    fanDuty,
    wallW,
    psuError: state.fault === 'psu-fault' ? SIMULATED_PSU_ERROR : 0,
    outputW,
    accepted,
    rejected,
    hwErrors,
    dhPercent: Math.round((1.1 + 0.3 * n[4]!) * 1000) / 1000,
    boardsWorking: spec.boards - (down >= 0 ? 1 : 0),
    chipPattern,
    boardChipMax: boardTempAvg.map((avg, b) => (avg === 0 ? 0 : avg + pattern.maxOffset[b]!)),
  };
  return reading;
}
