/**
 * One miner's replies (any of version, summary, devs, pools, stats/estats/litestats, alone or
 * joined, JSON or text) → one normalised record. A field the replies do not state is absent:
 * never zero, never guessed, so that fleet totals are never corrupted by invented values.
 */
import type { Json } from '../../kernel/json.js';
import { devTemperature, isAntminerStats, readAntminerStats } from './antminer.js';
import { type AvalonModuleEntry, extractAvalonModules, psuErrorNames } from './avalon.js';
import { decodeReply, type ReadReply, replyStatus } from './codec.js';
import { digitsValue } from './digits.js';
import { assessHealth, DEFAULT_THRESHOLDS, type HealthThresholds, type MinerStatus } from './health.js';

export type { MinerStatus } from './health.js';

export interface PoolTelemetry {
  index?: number;
  url: string;
  user?: string;
  status?: string;
  priority?: number;
  active?: boolean;
}

export interface BoardTelemetry {
  index: number;
  /** The module key when the miner has several (`AV90/MM ID3`). */
  module?: string;
  hashrateThs?: number;
  chips?: number;
  chipMaxC?: number;
  chipAvgC?: number;
}

export interface NormalisedTelemetry {
  /** Commands whose replies were read, e.g. `["summary", "stats", "pools"]`. */
  sources: string[];
  model?: string;
  product?: string;
  firmware?: string;
  hardware?: string;
  mac?: string;
  dna?: string;
  serial?: string;
  /** The cgminer (or bmminer) the firmware is built on, and its API version: `4.11.1`, `3.7`. */
  cgminerVersion?: string;
  apiVersion?: string;
  hashrateThs?: { average?: number; recent?: number; recentWindow?: string; nominal?: number };
  boards?: BoardTelemetry[];
  temperatures?: { inletC?: number; outletC?: number; hottestChipC?: number };
  fansRpm?: number[];
  fanDutyPercent?: number;
  powerW?: number;
  powerLimitW?: number;
  /** The first module's PSU as it reports itself (error code 0 is healthy); absent when it did not answer. */
  psu?: { errorCode?: number; outputW?: number };
  workMode?: number;
  workLevel?: number;
  workState?: string;
  softOff?: boolean;
  uptimeSeconds?: number;
  hardwareErrors?: number;
  rejectedPercent?: number;
  pools?: PoolTelemetry[];
  /** Commands the miner refused or failed (STATUS E or F). */
  commandErrors?: { command: string; code?: number; message?: string }[];
  status?: MinerStatus;
  statusReason?: string;
  notes?: string[];
  repairs: string[];
}

type Obj = { [key: string]: Json };
const isObj = (v: Json | undefined): v is Obj => v !== null && typeof v === 'object' && !Array.isArray(v);
const num = (v: Json | undefined) => (typeof v === 'number' && Number.isFinite(v) ? v : undefined);
const str = (v: Json | undefined) => (typeof v === 'string' ? v : undefined);
/**
 * A section's rows: the section itself when every item is an object (nearly always; read, never
 * changed), else a copy without the rest. No list is made for a section that is absent, as most
 * are in most of a reply's parts.
 */
const NO_ROWS: readonly Obj[] = [];
const rows = (v: Json | undefined): readonly Obj[] =>
  Array.isArray(v) ? (v.every(isObj) ? (v as Obj[]) : v.filter(isObj)) : NO_ROWS;
const round = (n: number, digits = 3) => Math.round(n * 10 ** digits) / 10 ** digits;
const mhsToThs = (mhs: number) => round(mhs / 1e6);
const ghsToThs = (ghs: number) => round(ghs / 1e3);

function set<T extends object, K extends keyof T>(target: T, key: K, value: T[K] | undefined): void {
  if (value !== undefined) target[key] = value;
}
/**
 * A figure summed over items: undefined unless every item states it (and there is one). A loop
 * over the items, not a mapped list: it runs a dozen times on every poll.
 */
function sumOf<T>(items: readonly T[], figure: (item: T) => number | undefined): number | undefined {
  let total = 0;
  for (const item of items) {
    const v = figure(item);
    if (v === undefined) return undefined;
    total += v;
  }
  return items.length === 0 ? undefined : total;
}
/** The largest figure the items state; undefined when none states one. */
function maxOf<T>(items: readonly T[], figure: (item: T) => number | undefined): number | undefined {
  let best: number | undefined;
  for (const item of items) {
    const v = figure(item);
    if (v !== undefined) best = best === undefined ? v : Math.max(best, v);
  }
  return best;
}

/** Payload section of a single-command reply → the command that produced it. */
const COMMAND_OF_SECTION: Record<string, string> = {
  SUMMARY: 'summary',
  POOLS: 'pools',
  DEVS: 'devs',
  STATS: 'stats',
  VERSION: 'version',
  DEVDETAILS: 'devdetails',
  CONFIG: 'config',
  COIN: 'coin',
  CHECK: 'check',
  LCD: 'lcd',
};

/** A single or joined reply → its single-command replies (Avalon wraps each in a one-item array). */
export function splitReplies(value: Json): { command: string; reply: Obj }[] {
  if (!isObj(value)) return [];
  if ('STATUS' in value) {
    const section = Object.keys(value).find((k) => COMMAND_OF_SECTION[k]);
    return [{ command: section ? COMMAND_OF_SECTION[section]! : 'status', reply: value }];
  }
  const out: { command: string; reply: Obj }[] = [];
  for (const [command, part] of Object.entries(value)) {
    const reply = Array.isArray(part) ? part[0] : part;
    if (isObj(reply) && 'STATUS' in reply) out.push({ command, reply });
  }
  return out;
}

function normaliseMac(raw: string | undefined): string | undefined {
  const hex = raw?.replace(/[:-]/g, '');
  if (!hex || !/^[0-9a-fA-F]{12}$/.test(hex)) return undefined;
  return hex.toLowerCase().replace(/(..)(?!$)/g, '$1:');
}

/** The seconds of a rolling-window key, `MHS 30s` → 30, `GHS 1m` → 60 (`^[MG]HS \d+[sm]$`), else -1. */
function windowSeconds(key: string): number {
  const last = key.length - 1;
  const unit = key.charCodeAt(last); // 115 `s`, 109 `m`
  if (key.charCodeAt(1) !== 72 /* H */ || key.charCodeAt(2) !== 83 /* S */ || key.charCodeAt(3) !== 32)
    return -1;
  if (unit !== 115 && unit !== 109) return -1;
  const n = digitsValue(key, 4, last);
  return n < 0 || unit === 115 ? n : n * 60;
}

/**
 * Shortest rolling window present: `MHS 5s` (log interval), `MHS 30s`, then `MHS 1m`, … cgminer
 * counts in MH/s; Bitmain's bmminer in GH/s (`GHS 5s`), sometimes as a string.
 */
function recentHashrate(row: Obj | undefined): { ths: number; window: string } | undefined {
  if (!row) return undefined;
  let best: { mhs: number; seconds: number; key: string } | undefined;
  for (const key in row) {
    // Only `MHS …` and `GHS …` keys can match: the other thirty-odd of a summary are skipped at once.
    const first = key.charCodeAt(0);
    if (first !== 77 /* M */ && first !== 71 /* G */) continue;
    const seconds = windowSeconds(key);
    const value = seconds < 0 ? undefined : figure(row[key]);
    if (value === undefined) continue;
    const mhs = first === 71 ? value * 1000 : value;
    if (!best || seconds < best.seconds) best = { mhs, seconds, key };
  }
  return best ? { ths: mhsToThs(best.mhs), window: best.key.slice(4) } : undefined;
}

/** A number, or a number written as a string (bmminer writes some figures so). */
function figure(v: Json | undefined): number | undefined {
  if (typeof v === 'string' && v.trim() !== '') {
    const n = Number(v);
    return Number.isFinite(n) ? n : undefined;
  }
  return num(v);
}

/** `summary`'s average: `MHS av` (cgminer) or `GHS av` (bmminer), in MH/s. */
function averageMhs(row: Obj | undefined): number | undefined {
  const mhs = figure(row?.['MHS av']);
  if (mhs !== undefined) return mhs;
  const ghs = figure(row?.['GHS av']);
  return ghs === undefined ? undefined : ghs * 1000;
}

function uniqueModules(entries: AvalonModuleEntry[], notes: string[]): AvalonModuleEntry[] {
  const seen = new Set<string>();
  const unique = entries.filter((e) => {
    if (!e.module.dna) return true;
    if (seen.has(e.module.dna)) return false;
    seen.add(e.module.dna);
    return true;
  });
  const repeated = entries.length - unique.length;
  if (repeated > 0) {
    notes.push(
      `${repeated} module entr${repeated === 1 ? 'y repeats' : 'ies repeat'} a DNA listed earlier (stale devices); ignored`,
    );
  }
  return unique;
}

function isDecoded(item: ReadReply | Json): item is ReadReply {
  return (
    isObj(item as Json) &&
    Array.isArray((item as Obj).repairs) &&
    'value' in (item as Obj) &&
    'format' in (item as Obj)
  );
}

/** Normalise one miner's decoded replies (or raw reply values) into one telemetry record. */
export function normalise(
  replies: ReadReply | Json | readonly (ReadReply | Json)[],
  thresholds: HealthThresholds = DEFAULT_THRESHOLDS,
): NormalisedTelemetry {
  const items = Array.isArray(replies)
    ? (replies as readonly (ReadReply | Json)[])
    : [replies as ReadReply | Json];
  const repairs: string[] = [];
  const parts: { command: string; reply: Obj }[] = [];
  for (const item of items) {
    if (isDecoded(item)) {
      repairs.push(...item.repairs);
      parts.push(...splitReplies(item.value));
    } else parts.push(...splitReplies(item));
  }
  const out: NormalisedTelemetry = { sources: [...new Set(parts.map((p) => p.command))], repairs };
  const notes: string[] = [];
  // Read once per part: the errors and the cgminer version both look at them.
  const statuses = parts.map(({ command, reply }) => ({ command, s: replyStatus(reply) }));
  const errors = statuses.filter(({ s }) => s?.status === 'E' || s?.status === 'F');
  if (errors.length > 0) {
    out.commandErrors = errors.map(({ command, s }) => {
      const e: { command: string; code?: number; message?: string } = { command };
      set(e, 'code', s?.code);
      set(e, 'message', s?.message);
      return e;
    });
  }
  const first = (section: string): readonly Obj[] => {
    for (const { reply } of parts) {
      const found = rows(reply[section]);
      if (found.length > 0) return found;
    }
    return NO_ROWS;
  };
  const version = first('VERSION')[0];
  const summary = first('SUMMARY')[0];
  const devs = first('DEVS');
  const poolRows = first('POOLS');
  const statsRows = first('STATS');
  const modules = uniqueModules(extractAvalonModules(statsRows), notes);
  const m0 = modules[0]?.module;
  const antminer =
    modules.length === 0 && isAntminerStats(statsRows) ? readAntminerStats(statsRows) : undefined;

  // Identity: VERSION states it; otherwise the module string does.
  const moduleModels: string[] = [];
  for (const { module } of modules)
    if (module.model && !moduleModels.includes(module.model)) moduleModels.push(module.model);
  set(
    out,
    'model',
    str(version?.MODEL) ??
      str(version?.Type) ??
      (moduleModels.length > 0 ? moduleModels.join('/') : undefined) ??
      antminer?.model,
  );
  set(out, 'product', str(version?.PROD));
  set(
    out,
    'firmware',
    str(version?.VERSION) ??
      str(version?.VERION) ??
      str(version?.LVERSION) ??
      // bmminer names its firmware build `Miner` (`49.0.1.3`).
      str(version?.Miner) ??
      m0?.firmware,
  );
  set(out, 'hardware', str(version?.HWTYPE));
  set(out, 'mac', normaliseMac(str(version?.MAC)));
  const versionDna = str(version?.DNA);
  set(out, 'dna', versionDna && /^[0-9a-fA-F]{8,64}$/.test(versionDna) ? versionDna.toLowerCase() : m0?.dna);
  set(out, 'serial', str(version?.SN) ?? str(version?.SERIAL) ?? antminer?.minerId);
  const description = statuses.find(({ s }) => s?.description !== undefined)?.s?.description;
  set(
    out,
    'cgminerVersion',
    str(version?.CGMiner) ?? str(version?.BMMiner) ?? /^cgminer (\S+)$/.exec(description ?? '')?.[1],
  );
  set(out, 'apiVersion', str(version?.API));

  // Hashrate: the summary, else the devices, else the module strings.
  const recent = recentHashrate(summary) ?? recentHashrate(devs.length === 1 ? devs[0] : undefined);
  const moduleRecent = sumOf(modules, (e) => e.module.currentGhs);
  const hashrate: NonNullable<NormalisedTelemetry['hashrateThs']> = {};
  const devAverage = sumOf(devs, (d) => averageMhs(d));
  const moduleAverage = sumOf(modules, (e) => e.module.averageGhs);
  set(
    hashrate,
    'average',
    averageMhs(summary) !== undefined
      ? mhsToThs(averageMhs(summary)!)
      : devAverage !== undefined && devs.length > 0
        ? mhsToThs(devAverage)
        : moduleAverage !== undefined && modules.length > 0
          ? ghsToThs(moduleAverage)
          : antminer?.averageGhs !== undefined
            ? ghsToThs(antminer.averageGhs)
            : undefined,
  );
  if (recent) {
    hashrate.recent = recent.ths;
    hashrate.recentWindow = recent.window;
  } else if (moduleRecent !== undefined && modules.length > 0) {
    hashrate.recent = ghsToThs(moduleRecent);
    hashrate.recentWindow = 'current';
  } else if (antminer?.currentGhs !== undefined) {
    hashrate.recent = ghsToThs(antminer.currentGhs);
    hashrate.recentWindow = '5s';
  }
  const nominal = sumOf(modules, (e) => e.module.nominalGhs);
  if (nominal !== undefined && modules.length > 0) hashrate.nominal = ghsToThs(nominal);
  else if (antminer?.nominalGhs !== undefined) hashrate.nominal = ghsToThs(antminer.nominalGhs);
  if (Object.keys(hashrate).length > 0) out.hashrateThs = hashrate;

  // Hardware, from the module strings.
  const boards: BoardTelemetry[] = [];
  for (const e of modules) {
    for (const b of e.module.boards) {
      const board: BoardTelemetry = { index: boards.length };
      if (modules.length > 1) board.module = `${e.device}/${e.key}`;
      set(board, 'hashrateThs', b.ghs === undefined ? undefined : ghsToThs(b.ghs));
      set(board, 'chips', b.chips);
      set(board, 'chipMaxC', b.chipMaxC);
      set(board, 'chipAvgC', b.chipAvgC);
      boards.push(board);
    }
  }
  for (const b of antminer?.boards ?? []) {
    const board: BoardTelemetry = { index: b.index };
    set(board, 'hashrateThs', b.ghs === undefined ? undefined : ghsToThs(b.ghs));
    set(board, 'chips', b.chips);
    set(board, 'chipMaxC', b.chipMaxC);
    boards.push(board);
  }
  if (boards.length > 0) out.boards = boards;
  const temperatures: NonNullable<NormalisedTelemetry['temperatures']> = {};
  set(
    temperatures,
    'inletC',
    maxOf(modules, (e) => e.module.inletC),
  );
  set(
    temperatures,
    'outletC',
    maxOf(modules, (e) => e.module.outletC),
  );
  set(
    temperatures,
    'hottestChipC',
    maxOf(modules, (e) => e.module.chipMaxC) ??
      antminer?.hottestChipC ??
      maxOf(devs, (d) => {
        const t = devTemperature(d);
        return t !== undefined && t > -273 ? t : undefined;
      }),
  );
  if (Object.keys(temperatures).length > 0) out.temperatures = temperatures;
  // A loop, not spread and flatMap: this line alone showed in a sweep's profile.
  const fans: number[] = [];
  for (const e of modules) for (const rpm of e.module.fansRpm) fans.push(rpm);
  for (const rpm of antminer?.fansRpm ?? []) fans.push(rpm);
  if (fans.length > 0) out.fansRpm = fans;
  set(
    out,
    'fanDutyPercent',
    maxOf(modules, (e) => e.module.fanDutyPercent),
  );
  set(out, 'powerW', modules.length > 0 ? sumOf(modules, (e) => e.module.powerW) : undefined);
  set(out, 'powerLimitW', m0?.powerLimitW);
  set(out, 'psu', m0?.psu && { errorCode: m0.psu.errorCode, outputW: m0.psu.outputW });
  set(out, 'workMode', m0?.workMode);
  set(out, 'workLevel', m0?.workLevel);
  set(out, 'workState', m0?.workState);
  const softOff = maxOf(modules, (e) => e.module.softOff);
  if (softOff !== undefined) out.softOff = softOff > 0;

  // Counters.
  set(
    out,
    'uptimeSeconds',
    num(summary?.Elapsed) ??
      num(devs[0]?.['Device Elapsed']) ??
      num(statsRows[0]?.Elapsed) ??
      m0?.elapsedSeconds ??
      antminer?.elapsedSeconds,
  );
  const devHw = sumOf(devs, (d) => num(d['Hardware Errors']));
  set(
    out,
    'hardwareErrors',
    num(summary?.['Hardware Errors']) ??
      (devs.length > 0
        ? devHw
        : modules.length > 0
          ? sumOf(modules, (e) => e.module.hardwareErrors)
          : undefined),
  );
  const pools = poolRows.map((row) => {
    const pool: PoolTelemetry = { url: str(row.URL) ?? '' };
    set(pool, 'index', num(row.POOL));
    set(pool, 'user', str(row.User));
    set(pool, 'status', str(row.Status));
    set(pool, 'priority', num(row.Priority));
    set(pool, 'active', typeof row['Stratum Active'] === 'boolean' ? row['Stratum Active'] : undefined);
    return pool;
  });
  if (pools.length > 0) out.pools = pools;
  const activePool = poolRows.find((row) => row['Stratum Active'] === true);
  set(
    out,
    'rejectedPercent',
    num(summary?.['Pool Rejected%']) ??
      num(activePool?.['Pool Rejected%']) ??
      num(devs[0]?.['Device Rejected%']),
  );

  // Status only when something says how the machine is working.
  if (summary || devs.length > 0 || modules.length > 0 || antminer) {
    const { status, reason } = assessHealth(
      {
        recentThs: hashrate.recent,
        recentWindow: hashrate.recentWindow,
        nominalThs: hashrate.nominal,
        uptimeSeconds: out.uptimeSeconds,
        inletC: temperatures.inletC,
        hottestChipC: temperatures.hottestChipC,
        fansRpm: fans,
        fanError: maxOf(modules, (e) => e.module.fanError),
        boards,
        boardCounts: modules
          .filter((e) => e.module.boardsWorking !== undefined && e.module.boards.length > 0)
          .map((e) => ({ working: e.module.boardsWorking!, listed: e.module.boards.length })),
        workState: out.workState,
        softOff,
        rejectedPercent: out.rejectedPercent,
        poolStatuses: pools.map((p) => p.status ?? ''),
        psu:
          m0?.psu?.errorCode === undefined
            ? undefined
            : {
                errorCode: m0.psu.errorCode,
                // Its bits' names; none when no bit is one Canaan documents (the code alone says it).
                meaning: psuErrorNames(m0.psu.errorCode).filter((n) => !n.startsWith('error code')),
              },
      },
      thresholds,
    );
    out.status = status;
    out.statusReason = reason;
  }
  if (notes.length > 0) out.notes = notes;
  return out;
}

/** `hashforge fleet decode FILE`: one raw reply (JSON or text, any command or join) → telemetry. */
export function decodeFile(text: string): NormalisedTelemetry {
  return normalise(decodeReply(text));
}
