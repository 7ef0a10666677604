/**
 * Avalon keeps all its hardware telemetry in one string per module, `Key[value] Key[v1 v2 …]`:
 * `STATS[n]["MM ID0"]` on A10–A15, `MM ID1…n` per module on the AUC-driven A7–A9, and on the
 * 2024–25 firmware (Avalon Q, Nano3s) `"MM ID0:Summary": "'STATS':{…}"` plus `"HBinfo": "'HB0':{…}"`.
 * Field meanings: Canaan's Avalon A10 API manual §3.3 and the captured replies in
 * test/fixtures/miner-responses/ (see its SOURCES.md). Every key is kept, known or not.
 */
import type { Json } from '../../kernel/json.js';
import { digitsValue } from './digits.js';
import { setOwn } from './tolerant-json.js';

export type AvalonValue = number | string | number[] | string[] | Record<string, number | string>;
export type AvalonFields = Record<string, AvalonValue>;

/** Values that look numeric but are identifiers or codes. */
const STRING_FIELDS = new Set([
  'Ver',
  'LVer',
  'BVer',
  'DNA',
  'Core',
  'CPU',
  'FW',
  'HashMcu0Ver',
  'FanMcuVer',
  'BOOTBY',
  'SSID',
  'SYSTEMSTATU',
  'POW_I2C',
  'POW_I2C_CONN',
]);

const MAX_KEY_SEGMENT = 80;
/** No Avalon has more hash boards than this; larger indices in `PVT_T<n>` are noise, not boards. */
const MAX_BOARDS = 16;

const SIMPLE_KEY = /^[A-Za-z_][\w .-]{0,63}$/;
const NUMBER_TOKEN = /^-?\d+(?:\.\d+)?$/;
const WITH_UNIT = /^(-?\d+(?:\.\d+)?)%$/;
const UNIT_WORD = /^(?:%|[A-Za-z]{1,4})$/;
const PAIR_TOKEN = /^(\w+):(\S+)$/;

/**
 * Reads `[ 56  57 58]` as plain decimals (`-12`, `3.25`), writing each to `out` from its start when
 * given (what `out` held past them is left); returns how many there were, or -1 unless every token
 * is one. A hand-written loop because it runs for
 * every chip of every board on every poll: integers are accumulated digit by digit, only decimals
 * with a point go through Number().
 */
function scanDecimals(text: string, out?: number[]): number {
  const n = text.length;
  let count = 0;
  let i = 0;
  while (i < n) {
    while (i < n && text.charCodeAt(i) <= 32) i++;
    if (i >= n) break;
    const start = i;
    const negative = text.charCodeAt(i) === 45;
    if (negative) i++;
    let value = 0;
    let digits = 0;
    let c = text.charCodeAt(i);
    while (i < n && c >= 48 && c <= 57) {
      value = value * 10 + (c - 48);
      digits++;
      c = text.charCodeAt(++i);
    }
    if (digits === 0) return -1;
    if (i < n && c === 46) {
      const fraction = ++i;
      c = text.charCodeAt(i);
      while (i < n && c >= 48 && c <= 57) c = text.charCodeAt(++i);
      if (i === fraction) return -1;
      if (out) value = Number(text.slice(start, i));
    } else if (negative) value = -value;
    if (i < n && text.charCodeAt(i) > 32) return -1;
    // Integers past 2^53 lose precision either way; Number() at least rounds them correctly.
    if (out) out[count] = digits > 15 ? Number(text.slice(start, i)) : value;
    count++;
  }
  return count;
}

/**
 * How many numbers a list of plain integers holds (`[ 56  57 58]` → 3), or undefined when it holds
 * anything else (scanDecimals then judges it): the per-chip lists a poll counts are such lists, and
 * this loop does a third of scanDecimals' work per character.
 */
function countIntegers(text: string): number | undefined {
  let count = 0;
  let inToken = false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c <= 32) inToken = false;
    else if (c >= 48 && c <= 57) {
      if (!inToken) count++;
      inToken = true;
    } else return undefined;
  }
  return count;
}

/**
 * Where scanDecimals puts the numbers of the value being typed: most values are one number, and a
 * list made for each only to take its first item was garbage on every poll. Overwritten from its
 * start each time rather than emptied (`length = 0` is a call into V8's runtime, and showed in the
 * profile of a loop of polls); let go of when a long list made it big.
 */
let scratch: number[] = [];
const SCRATCH_KEPT = 1024;

function typeValue(key: string, raw: string): AvalonValue {
  const text = raw.trim();
  if (STRING_FIELDS.has(key) || text === '') return text;
  const numbers = scratch;
  const found = scanDecimals(text, numbers);
  if (numbers.length > SCRATCH_KEPT) scratch = [];
  if (found > 0) return found === 1 ? numbers[0]! : numbers.slice(0, found);
  const tokens = text.split(/\s+/);
  if (tokens.length === 1) {
    const percent = WITH_UNIT.exec(text);
    if (percent) return Number(percent[1]);
  }
  // `MEMFREE[2601024 B]`: a number and its unit.
  if (tokens.length === 2 && NUMBER_TOKEN.test(tokens[0]!) && UNIT_WORD.test(tokens[1]!))
    return Number(tokens[0]);
  // `HS_RCD0[Tenv:28 Tavg:65 Fan1:3171 …]`: a nested key:value list.
  if (tokens.every((t) => PAIR_TOKEN.test(t))) {
    const nested: Record<string, number | string> = {};
    for (const t of tokens) {
      const [, k, v] = PAIR_TOKEN.exec(t)!;
      setOwn(nested, k!, NUMBER_TOKEN.test(v!) ? Number(v) : v!);
    }
    return nested;
  }
  return text;
}

/** Whether `c` may follow a simple key's first character (SIMPLE_KEY's `[\w .-]`). */
function keyChar(c: number): boolean {
  return (
    (c >= 97 && c <= 122) ||
    (c >= 65 && c <= 90) ||
    (c >= 48 && c <= 57) ||
    c === 95 ||
    c === 32 ||
    c === 46 ||
    c === 45
  );
}

/**
 * The key between `from` and `to` (the previous `]` and this `[`): the plain key most are, read
 * in place (SIMPLE_KEY's test without the trimmed copy and the regular expression, which showed in
 * a sweep's profile), else what cleanKey makes of the segment.
 */
function keyAt(text: string, from: number, to: number): string {
  let start = from;
  let end = to;
  while (start < end && text.charCodeAt(start) <= 32) start++;
  while (end > start && text.charCodeAt(end - 1) <= 32) end--;
  const first = text.charCodeAt(start);
  let simple =
    end - start <= 64 && ((first >= 97 && first <= 122) || (first >= 65 && first <= 90) || first === 95);
  for (let i = start + 1; simple && i < end; i++) simple = keyChar(text.charCodeAt(i));
  return simple ? text.slice(start, end) : cleanKey(text.slice(from, to));
}

/** The key is whatever sits between the previous `]` and this `[` (`Nonce Mask[25]` has a space). */
function cleanKey(segment: string): string {
  const plain = segment.trim();
  if (SIMPLE_KEY.test(plain)) return plain;
  // Keys are short; looking at the segment's tail keeps hostile input from costing more than that.
  const stripped = segment
    .slice(-MAX_KEY_SEGMENT)
    .replace(/'[^']*'\s*:\s*\{/g, ' ')
    .replace(/[{},]/g, ' ')
    .trim();
  if (/^[\w .:-]+$/.test(stripped)) return stripped;
  return /(\w+)$/.exec(stripped)?.[1] ?? '';
}

/**
 * A module string's `Key → value text`, each value typed only when read: a poll needs a few dozen
 * of the hundred-odd keys, and typing the per-chip lists it never reads would be most of the cost
 * of parsing a reply. Each key is read once, so typed values are not kept.
 */
export class AvalonFieldText {
  constructor(private readonly raw: Map<string, string>) {}

  /** Splits a `Key[value] …` string (with or without the `'STATS':{…}` wrapper). */
  static parse(text: string): AvalonFieldText {
    const raw = new Map<string, string>();
    let cursor = 0;
    for (;;) {
      const open = text.indexOf('[', cursor);
      if (open < 0) break;
      const close = text.indexOf(']', open + 1);
      if (close < 0) break; // cut mid-value: keep what was complete
      const key = keyAt(text, cursor, open);
      if (key !== '') raw.set(key, text.slice(open + 1, close));
      cursor = close + 1;
    }
    return new AvalonFieldText(raw);
  }

  get size(): number {
    return this.raw.size;
  }

  keys(): IterableIterator<string> {
    return this.raw.keys();
  }

  get(key: string): AvalonValue | undefined {
    const text = this.raw.get(key);
    return text === undefined ? undefined : typeValue(key, text);
  }

  /** The field when it is one number (`get` typed it so), else undefined. */
  number(key: string): number | undefined {
    const v = this.get(key);
    return typeof v === 'number' ? v : undefined;
  }

  /**
   * How many numbers a list field holds, as `list(get(key))?.length`: a plain list is counted
   * without building it; anything else (`56%`, `56 C`) is typed as `get` would type it.
   */
  count(key: string): number | undefined {
    const text = this.raw.get(key);
    if (text === undefined || STRING_FIELDS.has(key)) return undefined;
    const n = countIntegers(text) ?? scanDecimals(text);
    if (n > 0) return n;
    return n < 0 ? list(this.get(key))?.length : undefined;
  }

  /** Adds the keys of `other` this one lacks (`HBinfo` completing a module's own string). */
  fillFrom(other: AvalonFieldText): void {
    for (const [key, text] of other.raw) if (!this.raw.has(key)) this.raw.set(key, text);
  }

  /** Every field, typed. */
  all(): AvalonFields {
    const fields: AvalonFields = {};
    for (const key of this.raw.keys()) setOwn(fields, key, this.get(key)!);
    return fields;
  }
}

/** Parse a `Key[value] …` string (with or without the `'STATS':{…}` wrapper) into typed fields. */
export function parseAvalonFields(text: string): AvalonFields {
  return AvalonFieldText.parse(text).all();
}

export interface AvalonBoard {
  index: number;
  /** `MGHS[b]`, GH/s. */
  ghs?: number;
  /** `MTmax[b]`, or the hottest of `PVT_T<b>`. */
  chipMaxC?: number;
  chipAvgC?: number;
  /** Length of the per-chip list `PVT_T<b>` (or `MW<b>` on A7–A9). */
  chips?: number;
}

export interface AvalonPsu {
  errorCode?: number;
  controllerVolts?: number;
  hashboardVolts?: number;
  currentA?: number;
  outputW?: number;
  setVolts?: number;
  wallW?: number;
}

export interface AvalonModule {
  version?: string;
  model?: string;
  firmware?: string;
  dna?: string;
  /** `SYSTEMSTATU[Work: In Work, Hash Board: 3]` → "In Work" and 3. */
  workState?: string;
  boardsWorking?: number;
  elapsedSeconds?: number;
  inletC?: number;
  outletC?: number;
  chipMaxC?: number;
  chipAvgC?: number;
  fansRpm: number[];
  fanDutyPercent?: number;
  fanError?: number;
  psu?: AvalonPsu;
  /** Input power: `WALLPOWER`, else the PSU's wall reading `PS[6]`, else its output `PS[4]`. */
  powerW?: number;
  powerLimitW?: number;
  nominalGhs?: number;
  averageGhs?: number;
  currentGhs?: number;
  boards: AvalonBoard[];
  totalChips?: number;
  hardwareErrors?: number;
  dhPercent?: number;
  workMode?: number;
  workLevel?: number;
  softOff?: number;
  led?: number;
  /**
   * Every key of the module string, typed when asked for (polls never need most of them). A method,
   * not a getter: with a getter in the object literal, normalising a reply took a quarter longer
   * (measured; V8 handles objects with accessors on a slower path).
   */
  readonly allFields: () => AvalonFields;
}

const str = (v: AvalonValue | undefined): string | undefined => (typeof v === 'string' ? v : undefined);
function list(v: AvalonValue | undefined): number[] | undefined {
  if (typeof v === 'number') return [v];
  if (Array.isArray(v) && v.every((x) => typeof x === 'number')) return v as number[];
  return undefined;
}
function maxPositive(values: readonly number[]): number | undefined {
  let best: number | undefined;
  for (const v of values) if (v > 0 && (best === undefined || v > best)) best = v;
  return best;
}

/** `1246-83-21072802_4ec6bb0_211fc46` → 1246-83 + fw; `Q-25052801_14a19a2`; old `7411706-3162860` → 741. */
export function splitVersion(ver: string): { model?: string; firmware?: string } {
  const modern = /^(.+?)-(\d{8}_.+)$/.exec(ver);
  if (modern) return { model: modern[1]!, firmware: modern[2]! };
  const old = /^(\d{3})\d{4}-[0-9a-f]+$/.exec(ver);
  if (old) return { model: old[1]!, firmware: ver };
  return {};
}

/** The Avalon PSU's error bits (`PS[0]`), as PROTOCOL.md lists them from the manual's Appendix 1. */
const PSU_ERROR_BITS: readonly (readonly [number, string])[] = [
  [1, 'input under-voltage'],
  [2, 'over-temperature'],
  [4, 'over-temperature'],
  [8, 'over-temperature'],
  [16, 'primary over-current'],
  [32, 'output under-voltage'],
  [64, 'output over-current'],
  [128, 'current-sharing error'],
  [256, 'over-current IOSA'],
  [512, 'over-current IOSB'],
  [1024, 'over-current IOSC'],
  [2048, 'PSU fan error'],
];

/** What a PSU error code says, one name a fault (a repeated name once); the raw code when no bit is known. */
export function psuErrorNames(code: number): string[] {
  if (code === 0) return []; // a healthy PSU, on nearly every poll: no list to build
  const names = [...new Set(PSU_ERROR_BITS.filter(([bit]) => (code & bit) !== 0).map(([, n]) => n))];
  return names.length > 0 || code === 0 ? names : [`error code ${code}`];
}

function readPsu(ps: number[] | undefined): AvalonPsu | undefined {
  // All zeros (or a controller voltage of 0) means the PSU did not answer, e.g. POW_I2C[FAILED].
  if (!ps || ps.length < 5 || !(ps[1]! > 0)) return undefined;
  return {
    errorCode: ps[0]!,
    controllerVolts: ps[1]! / 100,
    hashboardVolts: ps[2]! / 100,
    currentA: ps[3]!,
    outputW: ps[4]!,
    setVolts: ps[5] === undefined ? undefined : ps[5] / 100,
    wallW: ps[6],
  };
}

const NO_VERSION: { model?: string; firmware?: string } = {};

/** The number that ends `key` from `from` on, in at most `most` digits (`PVT_T2` → 2), else -1. */
function trailingNumber(key: string, from: number, most: number): number {
  return key.length - from > most ? -1 : digitsValue(key, from, key.length);
}

/** Per-board list keys (`PVT_T2`, `MW3`: one or two digits) and fan keys (`Fan1`), in one pass over the keys. */
function keyIndex(f: AvalonFieldText): { boardLists: number; fans: string[] } {
  let boardLists = 0;
  const fans: string[] = [];
  let fansInOrder = true;
  let lastFan = -1;
  for (const key of f.keys()) {
    const first = key.charCodeAt(0);
    if (first === 80 /* P */ || first === 77 /* M */) {
      const board = key.startsWith('PVT_T')
        ? trailingNumber(key, 5, 2)
        : key.startsWith('MW')
          ? trailingNumber(key, 2, 2)
          : -1;
      if (board >= 0 && board < MAX_BOARDS) boardLists = Math.max(boardLists, board + 1);
    } else if (first === 70 /* F */ && key.startsWith('Fan')) {
      const fan = trailingNumber(key, 3, Infinity);
      if (fan < 0) continue;
      fans.push(key);
      if (fan < lastFan) fansInOrder = false;
      lastFan = fan;
    }
  }
  // Module strings list their fans in order: sorting (which copies the list) only when they do not.
  if (!fansInOrder) fans.sort((a, b) => trailingNumber(a, 3, Infinity) - trailingNumber(b, 3, Infinity));
  return { boardLists, fans };
}

/** `PVT_T0`…, `MW0`…: made once, since a key built per board per poll is hashed afresh for each lookup. */
const CHIP_TEMPS_KEY = Array.from({ length: MAX_BOARDS }, (_, b) => `PVT_T${b}`);
const CHIP_WORK_KEY = Array.from({ length: MAX_BOARDS }, (_, b) => `MW${b}`);

function readBoards(f: AvalonFieldText, boardLists: number): AvalonBoard[] {
  const ghs = list(f.get('MGHS'));
  const tmax = list(f.get('MTmax'));
  const tavg = list(f.get('MTavg'));
  const count = Math.min(
    MAX_BOARDS,
    Math.max(ghs?.length ?? 0, tmax?.length ?? 0, tavg?.length ?? 0, boardLists),
  );
  const boards: AvalonBoard[] = [];
  for (let b = 0; b < count; b++) {
    // The per-chip list is read whole only when `MTmax` lacks the board's hottest chip.
    const chipTemps = tmax?.[b] === undefined ? list(f.get(CHIP_TEMPS_KEY[b]!)) : undefined;
    // Whole, as readAvalonModule builds its module and for the same reason.
    boards.push({
      index: b,
      ghs: ghs?.[b],
      chipMaxC: tmax?.[b] ?? (chipTemps ? maxPositive(chipTemps) : undefined),
      chipAvgC: tavg?.[b],
      chips: f.count(CHIP_TEMPS_KEY[b]!) ?? f.count(CHIP_WORK_KEY[b]!),
    });
  }
  return boards;
}

/** Interpret the fields of one module; every field also stays at hand in `allFields()`. */
export function readAvalonModule(f: AvalonFieldText): AvalonModule {
  const keys = keyIndex(f);
  const boards = readBoards(f, keys.boardLists);
  const ver = str(f.get('Ver')) || undefined;
  const { model, firmware } = ver ? splitVersion(ver) : NO_VERSION;
  const dna = str(f.get('DNA'));
  const systemStatus = (str(f.get('SYSTEMSTATU')) ?? '').slice(0, 200);
  const boardsWorking = /Hash Board:\s*(\d+)/.exec(systemStatus);
  let chipMaxC = f.number('TMax') ?? 0;
  for (const b of boards) chipMaxC = Math.max(chipMaxC, b.chipMaxC ?? 0);
  const chipAvg = f.number('TAvg');
  const fansRpm: number[] = [];
  for (const k of keys.fans.length > 0 ? keys.fans : ['Fan']) {
    const rpm = f.number(k);
    if (rpm !== undefined) fansRpm.push(rpm);
  }
  const psu = readPsu(list(f.get('PS')));
  // One literal, a field the string does not state left undefined: adding the stated ones one by
  // one through a helper was a sixth of reading a module (a store whose key varies is slow in V8).
  return {
    version: ver,
    model,
    firmware,
    dna: dna && /^[0-9a-fA-F]{8,64}$/.test(dna) ? dna.toLowerCase() : undefined,
    workState: /Work:\s*([^,]+?)\s*(?:,|$)/.exec(systemStatus)?.[1],
    boardsWorking: boardsWorking ? Number(boardsWorking[1]) : undefined,
    elapsedSeconds: f.number('Elapsed'),
    inletC: f.number('Temp') ?? f.number('ITemp') ?? f.number('HBITemp'),
    outletC: f.number('HBOTemp'),
    chipMaxC: chipMaxC > 0 ? chipMaxC : undefined,
    chipAvgC: chipAvg !== undefined && chipAvg > 0 ? chipAvg : undefined,
    fansRpm,
    fanDutyPercent: f.number('FanR'),
    fanError: f.number('FanErr'),
    psu,
    powerW: f.number('WALLPOWER') ?? psu?.wallW ?? psu?.outputW,
    powerLimitW: f.number('MPO'),
    nominalGhs: f.number('GHSmm'),
    averageGhs: f.number('GHSavg'),
    currentGhs: f.number('GHSspd'),
    boards,
    totalChips: f.number('TA'),
    hardwareErrors: f.number('HW'),
    dhPercent: f.number('DH'),
    workMode: f.number('WORKMODE'),
    workLevel: f.number('WORKLEVEL'),
    softOff: f.number('SoftOFF'),
    led: f.number('Led'),
    allFields: () => f.all(),
  };
}

export interface AvalonModuleEntry {
  /** The `STATS[n].ID` of the device holding the module (`AVA100`, `AV90`, `AVALON0`). */
  device: string;
  /** `MM ID0`, `MM ID3`, `MM ID0:Summary`. */
  key: string;
  module: AvalonModule;
}

const MODULE_KEY = /^MM ID\d+(?::Summary)?$/;

/** Every Avalon module in a `STATS` section, with `HBinfo` merged into its device's first module. */
export function extractAvalonModules(stats: Json | readonly Json[] | undefined): AvalonModuleEntry[] {
  if (!Array.isArray(stats)) return [];
  const entries: AvalonModuleEntry[] = [];
  for (const device of stats) {
    if (device === null || typeof device !== 'object' || Array.isArray(device)) continue;
    const deviceId = typeof device.ID === 'string' ? device.ID : String(device.STATS ?? '');
    const keys = Object.keys(device).filter((k) => MODULE_KEY.test(k));
    const hbinfo = typeof device.HBinfo === 'string' ? AvalonFieldText.parse(device.HBinfo) : undefined;
    keys.forEach((key, i) => {
      const text = device[key];
      if (typeof text !== 'string') return;
      const fields = AvalonFieldText.parse(text);
      if (fields.size === 0) return; // an empty `MM ID0:Summary` after a reboot
      if (i === 0 && hbinfo) fields.fillFrom(hbinfo);
      entries.push({ device: deviceId, key, module: readAvalonModule(fields) });
    });
  }
  return entries;
}
