/**
 * What a simulated miner answers: the cgminer 4.11.1 API as Avalon A10–A15 MM firmware serves it
 * (reply shapes from the captured replies, message codes and texts from cgminer api.c), in JSON
 * or plain text (simulator-format.ts), joined commands included; control commands are in
 * simulator-control.ts.
 */
import { createRandom } from '../../kernel/random.js';
import { JOINABLE_COMMANDS, PRIVILEGED_COMMANDS } from './codec.js';
import { addPool, ascsetReply, poolCommand, status } from './simulator-control.js';
import { type Form, JSON_FORM, Layout, numberText, type Status, TEXT_FORM } from './simulator-format.js';
import {
  CHIP_PATTERNS,
  chipPatternOf,
  type MinerState,
  type ModelSpec,
  type PoolConfig,
  type Reading,
  read,
} from './simulator-models.js';

export interface RespondContext {
  now: number;
  /** Who asked: its address is looked up only for a privileged command. */
  peer: { readonly remoteAddress?: string | undefined };
  /** Whether a source address may run privileged commands (cgminer `W:`). */
  canWrite: (address: string) => boolean;
  /** Requests this miner has answered, to vary injected defects from one reply to the next. */
  sequence: number;
}

export interface Response {
  /**
   * What the miner sends, NUL included: text (UTF-8 on the wire), or bytes for a `garbage` miner.
   * Text goes to the socket as it is: Node encodes a string of this size straight into the write,
   * where a Buffer made from it first would cost an allocation and its garbage in every reply.
   */
  body: string | Buffer;
  /** Seconds after replying at which the controller reboots. */
  rebootAfter?: number;
  /** A privileged command was refused to a read-only source (STATUS E, code 45). */
  denied?: boolean;
}

const r2 = (n: number) => Math.round(n * 100) / 100;

/**
 * The parts of a model's `MM ID0` string that no reply changes (per-board lists of constants), and
 * its per-chip lists. Those lists are most of an `estats` reply; miners share chip patterns, so
 * their text is cached per pattern, board and board temperature (a few thousand short strings per
 * model). The keys are numbers — pattern and board in the low bits, the temperature above —
 * because building and hashing a string key for every board of every reply showed in the profile.
 */
interface ModelTexts {
  /** `PLL0[…] PLL1[…] …` */
  pll: string;
  /** `FACOPTS0[] FACOPTS1[] …` */
  facopts: string;
  /** One `0` per board: `0 0 0`. */
  zeros: string;
  temps: Map<number, string>;
  volts: Map<number, string>;
}

const modelTexts = new WeakMap<ModelSpec, ModelTexts>();

function textsOf(spec: ModelSpec): ModelTexts {
  let texts = modelTexts.get(spec);
  if (!texts) {
    const boards = Array.from({ length: spec.boards }, (_, b) => b);
    texts = {
      pll: boards.map((b) => `PLL${b}[1925 1138 1411 2606]`).join(' '),
      facopts: boards.map((b) => `FACOPTS${b}[]`).join(' '),
      zeros: boards.map(() => 0).join(' '),
      temps: new Map(),
      volts: new Map(),
    };
    modelTexts.set(spec, texts);
  }
  return texts;
}

/** Undefined (not cached) for what the key cannot hold: a fractional value, a 17th board. */
const chipKey = (k: number, board: number, value: number) =>
  Number.isInteger(value) && board < 16 ? (value * CHIP_PATTERNS + k) * 16 + board : undefined;

/** A board's per-chip list, from the cache when its key can hold it. */
function chipText(
  cache: Map<number, string>,
  key: number | undefined,
  chips: ArrayLike<number>,
  value: (chip: number) => number,
): string {
  let text = key === undefined ? undefined : cache.get(key);
  if (text === undefined) {
    text = Array.from(chips, value).join(' ');
    if (key !== undefined) cache.set(key, text);
  }
  return text;
}

const chipTempText = (spec: ModelSpec, k: number, board: number, average: number) =>
  chipText(textsOf(spec).temps, chipKey(k, board, average), chipPatternOf(spec, k).temps[board]!, (o) =>
    average === 0 ? 0 : average + o,
  );

const chipVoltText = (spec: ModelSpec, k: number, board: number, off: boolean) =>
  chipText(textsOf(spec).volts, chipKey(k, board, off ? 1 : 0), chipPatternOf(spec, k).volts[board]!, (v) =>
    off ? 0 : v,
  );

/** `Name0[a] Name1[b] …`, one per board. */
function perBoard(name: string, boards: number, value: (b: number) => string | number): string {
  let out = '';
  for (let b = 0; b < boards; b++) out += `${b === 0 ? '' : ' '}${name}${b}[${value(b)}]`;
  return out;
}

/** Numbers separated by spaces, as the firmware lists per-board values. */
function spaced(values: readonly number[], as: (v: number) => number = Number): string {
  let out = '';
  for (let i = 0; i < values.length; i++) out += `${i === 0 ? '' : ' '}${numberText(as(values[i]!))}`;
  return out;
}

/** The whole `MM ID0` string: A1047's layout (captured reply), with this miner's figures. */
function mmString(state: MinerState, r: Reading): string {
  const spec = state.spec;
  const texts = textsOf(spec);
  const n = spec.boards;
  const off = r.softOff;
  let fans = '';
  for (let f = 0; f < r.fansRpm.length; f++) fans += `${f === 0 ? '' : ' '}Fan${f + 1}[${r.fansRpm[f]}]`;
  let echu = '';
  let mw = '';
  for (let b = 0; b < n; b++) {
    const idle = r.boardGhs[b] === 0;
    echu += `${b === 0 ? '' : ' '}${idle && !off ? 512 : 0}`;
    mw += `${b === 0 ? '' : ' '}${Math.floor(r.hashingSeconds * 0.12 * (idle ? 0 : 1))}`;
  }
  const ps = off
    ? `${r.psuError} 1215 0 0 0 1296 ${r.wallW}`
    : `${r.psuError} 1215 1296 ${Math.round(r.outputW / 12.96)} ${r.outputW} 1296 ${r.wallW}`;
  return (
    `Ver[${spec.model}-${spec.firmware}] DNA[${state.dna}] MEMFREE[1413136.0] NETFAIL[0 0 0 0 0 0 0 0]` +
    ` SYSTEMSTATU[Work: ${off ? 'In Idle' : 'In Work'}, Hash Board: ${r.boardsWorking} ] Elapsed[${r.elapsed}] BOOTBY[0x04.00000000]` +
    ` LW[${Math.floor(r.hashingSeconds * 240)}] MH[${texts.zeros}] HW[${r.hwErrors}] DH[${r.dhPercent}%]` +
    ` Temp[${r.inletC}] TMax[${Math.max(0, ...r.boardChipMax)}] TAvg[${Math.max(0, ...r.boardTempAvg)}]` +
    ` ${fans}` +
    ` FanR[${r.fanDuty}%] Vo[${off ? 0 : 328}] PS[${ps}]` +
    ` ${texts.pll}` +
    ` GHSmm[${numberText(r2(r.nominalGhs))}] GHSavg[${numberText(r2(r.mhs.av / 1000))}] WU[${numberText(r2(r.mhs.av / 72))}] Freq[${off ? 0 : '661.56'}]` +
    ` Led[${state.led}] MGHS[${spaced(r.boardGhs, r2)}] MTmax[${spaced(r.boardChipMax)}] MTavg[${spaced(r.boardTempAvg)}]` +
    ` TA[${n * spec.chipsPerBoard}] PING[42] ECHU[${echu}] ECMM[0]` +
    ` ${perBoard('SF', n, (b) => (r.boardGhs[b] === 0 ? '0 0 0 0' : '612 637 662 687'))}` +
    ` ${perBoard('PVT_T', n, (b) => chipTempText(spec, r.chipPattern, b, r.boardTempAvg[b]!))}` +
    ` ${perBoard('PVT_V', n, (b) => chipVoltText(spec, r.chipPattern, b, r.boardTempAvg[b] === 0))}` +
    ` MW[${mw}]` +
    ` CRC[${texts.zeros}] POW_I2C[OK]` +
    ` ${texts.facopts}` +
    ` ADJ[1] MPO[${Math.round(spec.modes[spec.modes.length - 1]!.watts * 1.05)}] MVL[71]` +
    ` WORKMODE[${state.workMode}] WORKLEVEL[${state.workLevel}] SoftOFF[${off ? 1 : 0}]`
  );
}

/** A request as the replies see it: the form asked for, and the miner's figures worked out at most once. */
class Asked {
  private figures: Reading | undefined;

  constructor(
    readonly state: MinerState,
    readonly context: RespondContext,
    readonly form: Form,
  ) {}

  get now(): number {
    return this.context.now;
  }

  /** The figures at the request's moment: a joined `summary+estats+pools` needs them three times, and each working-out draws its noise afresh. */
  reading(): Reading {
    this.figures ??= read(this.state, this.context.now);
    return this.figures;
  }

  /** A report's whole answer: its STATUS row and its section's rows, each from `from`. */
  report<T>(status: Status, section: string, layout: Layout<T>, from: readonly T[]): string {
    return this.form.answer(
      status,
      section,
      from.map((row) => this.form.row(layout, row)),
    );
  }
}

const VERSION = new Layout<MinerState>({
  CGMiner: '4.11.1',
  API: '3.7',
  STM8: '20.08.01',
  PROD: (s) => s.spec.prod,
  MODEL: (s) => s.spec.model,
  HWTYPE: (s) => s.spec.hwtype,
  SWTYPE: (s) => s.spec.swtype,
  VERSION: (s) => s.spec.firmware,
  LOADER: 'd0d779de.00',
  DNA: (s) => s.dna,
  MAC: (s) => s.mac.replaceAll(':', ''),
  UPAPI: '2',
});

/** `Rejected%` as cgminer prints it: two decimals of a percentage. */
const rejectedPercent = (r: Reading) => (r.accepted > 0 ? r2((r.rejected / r.accepted) * 10000) / 100 : 0);

const SUMMARY = new Layout<Reading>({
  Elapsed: (r) => r.elapsed,
  'MHS av': (r) => r2(r.mhs.av),
  'MHS 30s': (r) => r2(r.mhs.s30),
  'MHS 1m': (r) => r2(r.mhs.m1),
  'MHS 5m': (r) => r2(r.mhs.m5),
  'MHS 15m': (r) => r2(r.mhs.m15),
  'Found Blocks': 0,
  Getworks: (r) => Math.floor(r.elapsed / 30),
  Accepted: (r) => r.accepted,
  Rejected: (r) => r.rejected,
  'Hardware Errors': (r) => r.hwErrors,
  Utility: (r) => r2((r.accepted / r.elapsed) * 60),
  Discarded: (r) => Math.floor(r.hashingSeconds * 5),
  Stale: 0,
  'Get Failures': 0,
  'Local Work': (r) => Math.floor(r.hashingSeconds * 12),
  'Remote Failures': 0,
  'Network Blocks': (r) => Math.floor(r.elapsed / 600),
  'Total MH': (r) => Math.round(r.mhs.av * r.elapsed),
  'Work Utility': (r) => r2(r.mhs.av / 72),
  'Difficulty Accepted': (r) => r.accepted * 131072,
  'Difficulty Rejected': (r) => r.rejected * 131072,
  'Difficulty Stale': 0,
  'Best Share': (r) => 222408 + r.accepted * 97,
  'Device Hardware%': 0,
  'Device Rejected%': rejectedPercent,
  'Pool Rejected%': rejectedPercent,
  'Pool Stale%': 0,
  'Last getwork': 0,
});

interface PoolRow {
  pool: PoolConfig;
  index: number;
  priority: number;
  r: Reading;
}

/** Pool figures are the active pool's (priority 0); the others have taken no shares. */
const POOL = new Layout<PoolRow>({
  POOL: (p) => p.index,
  URL: (p) => p.pool.url,
  Status: 'Alive',
  Priority: (p) => p.priority,
  Quota: 1,
  'Long Poll': 'N',
  Accepted: (p) => (p.priority === 0 ? p.r.accepted : 0),
  Rejected: (p) => (p.priority === 0 ? p.r.rejected : 0),
  User: (p) => p.pool.user,
  'Stratum Active': (p) => p.priority === 0,
  'Stratum URL': (p) => (p.priority === 0 ? p.pool.url.replace(/^.*:\/\//, '').replace(/:\d+$/, '') : ''),
  'Pool Rejected%': (p) => (p.priority === 0 ? rejectedPercent(p.r) : 0),
});

const DEVICE = new Layout<Reading>({
  ASC: 0,
  Name: 'AVA10',
  ID: 0,
  Enabled: 'Y',
  Status: 'Alive',
  Temperature: -273,
  'MHS av': (r) => r2(r.mhs.av),
  'MHS 30s': (r) => r2(r.mhs.s30),
  'MHS 1m': (r) => r2(r.mhs.m1),
  'MHS 5m': (r) => r2(r.mhs.m5),
  'MHS 15m': (r) => r2(r.mhs.m15),
  Accepted: (r) => r.accepted,
  Rejected: (r) => r.rejected,
  'Hardware Errors': (r) => r.hwErrors,
  'Device Elapsed': (r) => r.elapsed,
});

const STATS_DEVICE = new Layout<Asked>({
  STATS: 0,
  ID: 'AVA100',
  Elapsed: (a) => a.reading().elapsed,
  Calls: 0,
  Wait: 0,
  Max: 0,
  Min: 99999999,
  'MM ID0': (a) => mmString(a.state, a.reading()),
  'MM Count': 1,
  'Smart Speed': 1,
  'Voltage Level Offset': 0,
  'Nonce Mask': 25,
});

const STATS_POOL = new Layout<{ index: number; elapsed: number }>({
  STATS: (p) => p.index + 1,
  ID: (p) => `POOL${p.index}`,
  Elapsed: (p) => p.elapsed,
  Calls: 0,
});

const CONFIG = new Layout<MinerState>({
  'ASC Count': 1,
  'PGA Count': 0,
  'Pool Count': (s) => s.pools.length,
  Strategy: 'Failover',
  'Device Code': 'AVA10',
  OS: 'Linux',
});

function report(command: string, ask: Asked): string | undefined {
  const { state, now } = ask;
  switch (command) {
    case 'version':
      return ask.report(status(state, now, 22, 'CGMiner versions'), 'VERSION', VERSION, [state]);
    case 'summary':
      return ask.report(status(state, now, 11, 'Summary'), 'SUMMARY', SUMMARY, [ask.reading()]);
    case 'pools': {
      const r = ask.reading();
      const pools = state.pools.map((pool, index) => ({
        pool,
        index,
        priority: state.poolOrder.indexOf(index),
        r,
      }));
      return ask.report(status(state, now, 7, `${pools.length} Pool(s)`), 'POOLS', POOL, pools);
    }
    case 'devs':
    case 'edevs':
      return ask.report(status(state, now, 9, '1 ASC(s)'), 'DEVS', DEVICE, [ask.reading()]);
    case 'stats':
    case 'estats': {
      const elapsed = ask.reading().elapsed;
      const rows = [ask.form.row(STATS_DEVICE, ask)];
      for (let index = 0; index < state.pools.length; index++)
        rows.push(ask.form.row(STATS_POOL, { index, elapsed }));
      return ask.form.answer(status(state, now, 70, 'CGMiner stats'), 'STATS', rows);
    }
    case 'config':
      return ask.report(status(state, now, 33, 'CGMiner config'), 'CONFIG', CONFIG, [state]);
    default:
      return undefined;
  }
}

interface Outcome {
  answer: string;
  rebootAfter?: number;
  denied?: boolean;
}

function single(command: string, parameter: string | undefined, ask: Asked): Outcome {
  const { state, now, form, context } = ask;
  if (PRIVILEGED_COMMANDS.has(command) && !context.canWrite(context.peer.remoteAddress ?? '')) {
    return {
      answer: form.answer(status(state, now, 45, `Access denied to '${command}' command`, 'E')),
      denied: true,
    };
  }
  const reportAnswer = report(command, ask);
  if (reportAnswer !== undefined) return { answer: reportAnswer };
  if (command === 'ascset') {
    const { reply, rebootAfter } = ascsetReply(state, now, parameter ?? '');
    const outcome: Outcome = { answer: form.answer(reply.status) };
    if (rebootAfter !== undefined) outcome.rebootAfter = rebootAfter;
    return outcome;
  }
  if (command === 'switchpool' || command === 'poolpriority')
    return { answer: form.answer(poolCommand(command, state, now, parameter).status) };
  if (command === 'addpool') return { answer: form.answer(addPool(state, now, parameter).status) };
  return { answer: form.answer(status(state, now, 14, 'Invalid command', 'E')) };
}

/** Break a reply the way faulty firmware does: bare nan, objects without commas, sometimes a cut tail. */
function malform(text: string, json: boolean, sequence: number): string {
  if (!json) return text.slice(0, -1);
  const broken = text.replace(/"MHS av":[\d.]+/, '"MHS av":nan').replaceAll('},{', '}{');
  return sequence % 3 === 2 ? broken.slice(0, Math.floor(broken.length * 0.9)) : broken;
}

/** The request's command and parameter, or the STATUS E a malformed JSON request gets. */
function parseRequest(
  text: string,
): { command: string; parameter: string | undefined } | { code: number; message: string } {
  if (!text.startsWith('{')) {
    const bar = text.indexOf('|');
    return {
      command: (bar < 0 ? text : text.slice(0, bar)).trim(),
      parameter: bar < 0 ? undefined : text.slice(bar + 1),
    };
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    parsed = undefined;
  }
  if (parsed === null || typeof parsed !== 'object') return { code: 23, message: 'Invalid JSON' };
  const { command, parameter } = parsed as Record<string, unknown>;
  if (typeof command !== 'string') return { code: 24, message: "Missing JSON 'command'" };
  return {
    command,
    parameter:
      typeof parameter === 'string'
        ? parameter
        : typeof parameter === 'number'
          ? String(parameter)
          : undefined,
  };
}

/** Answer one request as the miner would. */
export function respond(state: MinerState, request: Buffer, context: RespondContext): Response {
  if (state.fault === 'garbage') {
    const rng = createRandom(`${state.seed}:${state.index}:garbage:${context.sequence}`);
    return { body: Buffer.from(Array.from({ length: rng.int(64, 2048) }, () => rng.int(0, 255))) };
  }
  // The firmware reads one recv of at most 4095 bytes into a C string: a NUL ends the request.
  const received = request.toString('latin1', 0, 4095);
  const nul = received.indexOf('\u0000');
  const text = nul < 0 ? received : received.slice(0, nul);
  const json = text.startsWith('{');
  const ask = new Asked(state, context, json ? JSON_FORM : TEXT_FORM);
  const asked = parseRequest(text);
  if ('code' in asked) {
    return { body: `${ask.form.answer(status(state, context.now, asked.code, asked.message, 'E'))}\u0000` };
  }
  const { command, parameter } = asked;

  let body: string;
  let rebootAfter: number | undefined;
  let denied = false;
  if (command.includes('+')) {
    const names = [...new Set(command.split('+'))];
    body = ask.form.joined(
      names.map((name) => [
        name,
        JOINABLE_COMMANDS.has(name)
          ? single(name, undefined, ask).answer
          : ask.form.answer(status(state, context.now, 45, `Access denied to '${name}' command`, 'E')),
      ]),
    );
  } else {
    const outcome = single(command, parameter, ask);
    rebootAfter = outcome.rebootAfter;
    denied = outcome.denied === true;
    body = outcome.answer;
  }
  if (state.fault === 'malformed') body = malform(body, json, context.sequence);
  const response: Response = { body: `${body}\u0000` };
  if (rebootAfter !== undefined) response.rebootAfter = rebootAfter;
  if (denied) response.denied = true;
  return response;
}
