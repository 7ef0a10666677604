/**
 * What a simulated miner answers: the cgminer 4.11.1 API as Avalon A10–A15 MM firmware serves it
 * (reply shapes from the captured replies, message codes and texts from cgminer api.c), in JSON
 * or plain text, joined commands included; control commands are in simulator-control.ts.
 */
import { createRandom } from '../../kernel/random.js';
import { JOINABLE_COMMANDS, PRIVILEGED_COMMANDS } from './codec.js';
import { ascsetReply, poolCommand, type Reply, type Row, status } from './simulator-control.js';
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
  /** Whether the client's source address may run privileged commands (cgminer `W:`); asked only for those. */
  canWrite: () => boolean;
  /** Requests this miner has answered, to vary injected defects from one reply to the next. */
  sequence: number;
}

export interface Response {
  body: Buffer;
  /** Seconds after replying at which the controller reboots. */
  rebootAfter?: number;
  /** A privileged command was refused to a read-only source (STATUS E, code 45). */
  denied?: boolean;
}

/** Sections whose text form opens with the section name (`SUMMARY,Elapsed=…`); others are rows. */
const HEADED = new Set(['SUMMARY', 'VERSION', 'CONFIG', 'CHECK']);
/** Values cgminer escapes (`api_add_escape`): user-supplied strings. */
const ESCAPED = new Set(['Msg', 'Description', 'URL', 'User', 'Stratum URL']);

const r2 = (n: number) => Math.round(n * 100) / 100;

/**
 * The per-chip lists are most of an `estats` reply; miners share chip patterns, so their text is
 * cached per model, pattern, board and board temperature (a few thousand short strings per model).
 * The keys are numbers — pattern and board in the low bits, the temperature above — because
 * building and hashing a string key for every board of every reply showed in the simulator's profile.
 */
const chipTexts = new WeakMap<ModelSpec, { temps: Map<number, string>; volts: Map<number, string> }>();

function chipTextsOf(spec: ModelSpec) {
  let texts = chipTexts.get(spec);
  if (!texts) {
    texts = { temps: new Map(), volts: new Map() };
    chipTexts.set(spec, texts);
  }
  return texts;
}

function cachedText(texts: Map<number, string>, key: number | undefined, make: () => string): string {
  if (key === undefined) return make();
  let text = texts.get(key);
  if (text === undefined) {
    text = make();
    texts.set(key, text);
  }
  return text;
}

/** Undefined (not cached) for what the key cannot hold: a fractional value, a 17th board. */
const chipKey = (k: number, board: number, value: number) =>
  Number.isInteger(value) && board < 16 ? (value * CHIP_PATTERNS + k) * 16 + board : undefined;

function chipTempText(spec: ModelSpec, k: number, board: number, average: number): string {
  return cachedText(chipTextsOf(spec).temps, chipKey(k, board, average), () => {
    const offsets = chipPatternOf(spec, k).temps[board]!;
    return Array.from(offsets, (o) => (average === 0 ? 0 : average + o)).join(' ');
  });
}

function chipVoltText(spec: ModelSpec, k: number, board: number, off: boolean): string {
  return cachedText(chipTextsOf(spec).volts, chipKey(k, board, off ? 1 : 0), () =>
    Array.from(chipPatternOf(spec, k).volts[board]!, (v) => (off ? 0 : v)).join(' '),
  );
}

function mmString(state: MinerState, r: Reading): string {
  const spec = state.spec;
  const boards = Array.from({ length: spec.boards }, (_, b) => b);
  const join = (values: readonly number[]) => values.join(' ');
  const per = (name: string, values: (b: number) => string) =>
    boards.map((b) => `${name}${b}[${values(b)}]`).join(' ');
  const tmax = r.boardChipMax;
  const work = r.softOff ? 'In Idle' : 'In Work';
  const ps = r.softOff
    ? [r.psuError, 1215, 0, 0, 0, 1296, r.wallW]
    : [r.psuError, 1215, 1296, Math.round(r.outputW / 12.96), r.outputW, 1296, r.wallW];
  const freq = (b: number) => (r.boardGhs[b] === 0 ? '0 0 0 0' : '612 637 662 687');
  return [
    `Ver[${spec.model}-${spec.firmware}] DNA[${state.dna}] MEMFREE[1413136.0] NETFAIL[0 0 0 0 0 0 0 0]`,
    `SYSTEMSTATU[Work: ${work}, Hash Board: ${r.boardsWorking} ] Elapsed[${r.elapsed}] BOOTBY[0x04.00000000]`,
    `LW[${Math.floor(r.hashingSeconds * 240)}] MH[${join(boards.map(() => 0))}] HW[${r.hwErrors}] DH[${r.dhPercent}%]`,
    `Temp[${r.inletC}] TMax[${Math.max(0, ...tmax)}] TAvg[${Math.max(0, ...r.boardTempAvg)}]`,
    r.fansRpm.map((rpm, f) => `Fan${f + 1}[${rpm}]`).join(' '),
    `FanR[${r.fanDuty}%] Vo[${r.softOff ? 0 : 328}] PS[${join(ps)}]`,
    per('PLL', () => '1925 1138 1411 2606'),
    `GHSmm[${r2(r.nominalGhs)}] GHSavg[${r2(r.mhs.av / 1000)}] WU[${r2(r.mhs.av / 72)}] Freq[${r.softOff ? 0 : 661.56}]`,
    `Led[${state.led}] MGHS[${join(r.boardGhs.map(r2))}] MTmax[${join(tmax)}] MTavg[${join(r.boardTempAvg)}]`,
    `TA[${spec.boards * spec.chipsPerBoard}] PING[42] ECHU[${join(boards.map((b) => (r.boardGhs[b] === 0 && !r.softOff ? 512 : 0)))}] ECMM[0]`,
    per('SF', freq),
    per('PVT_T', (b) => chipTempText(spec, r.chipPattern, b, r.boardTempAvg[b]!)),
    per('PVT_V', (b) => chipVoltText(spec, r.chipPattern, b, r.boardTempAvg[b] === 0)),
    `MW[${join(boards.map((b) => Math.floor(r.hashingSeconds * 0.12 * (r.boardGhs[b] === 0 ? 0 : 1))))}]`,
    `CRC[${join(boards.map(() => 0))}] POW_I2C[OK]`,
    per('FACOPTS', () => ''),
    `ADJ[1] MPO[${Math.round(spec.modes[spec.modes.length - 1]!.watts * 1.05)}] MVL[71]`,
    `WORKMODE[${state.workMode}] WORKLEVEL[${state.workLevel}] SoftOFF[${r.softOff ? 1 : 0}]`,
  ].join(' ');
}

function orderedPools(state: MinerState): { pool: PoolConfig; index: number; priority: number }[] {
  return state.pools.map((pool, index) => ({ pool, index, priority: state.poolOrder.indexOf(index) }));
}

/**
 * A request as the replies see it: its context, and the miner's figures at its moment, worked out
 * at most once — a joined `summary+estats+pools` needs them three times, and each working-out
 * draws its noise afresh.
 */
interface Asked extends RespondContext {
  reading: () => Reading;
}

function report(command: string, state: MinerState, ctx: Asked): Reply | undefined {
  const { now } = ctx;
  const spec = state.spec;
  switch (command) {
    case 'version':
      return {
        status: status(state, now, 22, 'CGMiner versions'),
        section: 'VERSION',
        rows: [
          {
            CGMiner: '4.11.1',
            API: '3.7',
            STM8: '20.08.01',
            PROD: spec.prod,
            MODEL: spec.model,
            HWTYPE: spec.hwtype,
            SWTYPE: spec.swtype,
            VERSION: spec.firmware,
            LOADER: 'd0d779de.00',
            DNA: state.dna,
            MAC: state.mac.replaceAll(':', ''),
            UPAPI: '2',
          },
        ],
      };
    case 'summary': {
      const r = ctx.reading();
      return {
        status: status(state, now, 11, 'Summary'),
        section: 'SUMMARY',
        rows: [
          {
            Elapsed: r.elapsed,
            'MHS av': r2(r.mhs.av),
            'MHS 30s': r2(r.mhs.s30),
            'MHS 1m': r2(r.mhs.m1),
            'MHS 5m': r2(r.mhs.m5),
            'MHS 15m': r2(r.mhs.m15),
            'Found Blocks': 0,
            Getworks: Math.floor(r.elapsed / 30),
            Accepted: r.accepted,
            Rejected: r.rejected,
            'Hardware Errors': r.hwErrors,
            Utility: r2((r.accepted / r.elapsed) * 60),
            Discarded: Math.floor(r.hashingSeconds * 5),
            Stale: 0,
            'Get Failures': 0,
            'Local Work': Math.floor(r.hashingSeconds * 12),
            'Remote Failures': 0,
            'Network Blocks': Math.floor(r.elapsed / 600),
            'Total MH': Math.round(r.mhs.av * r.elapsed),
            'Work Utility': r2(r.mhs.av / 72),
            'Difficulty Accepted': r.accepted * 131072,
            'Difficulty Rejected': r.rejected * 131072,
            'Difficulty Stale': 0,
            'Best Share': 222408 + r.accepted * 97,
            'Device Hardware%': 0,
            'Device Rejected%': r.accepted > 0 ? r2((r.rejected / r.accepted) * 10000) / 100 : 0,
            'Pool Rejected%': r.accepted > 0 ? r2((r.rejected / r.accepted) * 10000) / 100 : 0,
            'Pool Stale%': 0,
            'Last getwork': 0,
          },
        ],
      };
    }
    case 'pools': {
      const r = ctx.reading();
      const pools = orderedPools(state);
      return {
        status: status(state, now, 7, `${pools.length} Pool(s)`),
        section: 'POOLS',
        rows: pools.map(({ pool, index, priority }) => ({
          POOL: index,
          URL: pool.url,
          Status: 'Alive',
          Priority: priority,
          Quota: 1,
          'Long Poll': 'N',
          Accepted: priority === 0 ? r.accepted : 0,
          Rejected: priority === 0 ? r.rejected : 0,
          User: pool.user,
          'Stratum Active': priority === 0,
          'Stratum URL': priority === 0 ? pool.url.replace(/^.*:\/\//, '').replace(/:\d+$/, '') : '',
          'Pool Rejected%':
            priority === 0 && r.accepted > 0 ? r2((r.rejected / r.accepted) * 10000) / 100 : 0,
        })),
      };
    }
    case 'devs':
    case 'edevs': {
      const r = ctx.reading();
      return {
        status: status(state, now, 9, '1 ASC(s)'),
        section: 'DEVS',
        rows: [
          {
            ASC: 0,
            Name: 'AVA10',
            ID: 0,
            Enabled: 'Y',
            Status: 'Alive',
            Temperature: -273,
            'MHS av': r2(r.mhs.av),
            'MHS 30s': r2(r.mhs.s30),
            'MHS 1m': r2(r.mhs.m1),
            'MHS 5m': r2(r.mhs.m5),
            'MHS 15m': r2(r.mhs.m15),
            Accepted: r.accepted,
            Rejected: r.rejected,
            'Hardware Errors': r.hwErrors,
            'Device Elapsed': r.elapsed,
          },
        ],
      };
    }
    case 'stats':
    case 'estats': {
      const r = ctx.reading();
      const device: Row = {
        STATS: 0,
        ID: 'AVA100',
        Elapsed: r.elapsed,
        Calls: 0,
        Wait: 0,
        Max: 0,
        Min: 99999999,
      };
      device['MM ID0'] = mmString(state, r);
      Object.assign(device, { 'MM Count': 1, 'Smart Speed': 1, 'Voltage Level Offset': 0, 'Nonce Mask': 25 });
      const poolRows = state.pools.map((_, i) => ({
        STATS: i + 1,
        ID: `POOL${i}`,
        Elapsed: r.elapsed,
        Calls: 0,
      }));
      return {
        status: status(state, now, 70, 'CGMiner stats'),
        section: 'STATS',
        rows: [device, ...poolRows],
      };
    }
    case 'config':
      return {
        status: status(state, now, 33, 'CGMiner config'),
        section: 'CONFIG',
        rows: [
          {
            'ASC Count': 1,
            'PGA Count': 0,
            'Pool Count': state.pools.length,
            Strategy: 'Failover',
            'Device Code': 'AVA10',
            OS: 'Linux',
          },
        ],
      };
    default:
      return undefined;
  }
}

function single(command: string, parameter: string | undefined, state: MinerState, ctx: Asked) {
  const { now } = ctx;
  if (PRIVILEGED_COMMANDS.has(command) && !ctx.canWrite()) {
    return {
      reply: { status: status(state, now, 45, `Access denied to '${command}' command`, 'E') } as Reply,
      denied: true,
    };
  }
  const reportReply = report(command, state, ctx);
  if (reportReply) return { reply: reportReply };
  if (command === 'ascset') return ascsetReply(state, now, parameter ?? '');
  if (command === 'switchpool' || command === 'poolpriority')
    return { reply: poolCommand(command, state, now, parameter) };
  return { reply: { status: status(state, now, 14, 'Invalid command', 'E') } as Reply };
}

function toJsonObject(reply: Reply): Record<string, unknown> {
  const out: Record<string, unknown> = { STATUS: [reply.status] };
  if (reply.section) out[reply.section] = reply.rows ?? [];
  out.id = 1;
  return out;
}

const escapeText = (s: string) => s.replace(/[\\|,=]/g, (c) => `\\${c}`);

function rowText(row: Row): string {
  return Object.entries(row)
    .map(([k, v]) => `${k}=${typeof v === 'string' && ESCAPED.has(k) ? escapeText(v) : String(v)}`)
    .join(',');
}

function toText(reply: Reply): string {
  let text = `${rowText(reply.status)}|`;
  if (reply.section) {
    for (const row of reply.rows ?? []) {
      text += HEADED.has(reply.section) ? `${reply.section},${rowText(row)}|` : `${rowText(row)}|`;
    }
  }
  return text;
}

/** Break a reply the way faulty firmware does: bare nan, objects without commas, sometimes a cut tail. */
function malform(text: string, json: boolean, sequence: number): string {
  if (!json) return text.slice(0, -1);
  const broken = text.replace(/"MHS av":[\d.]+/, '"MHS av":nan').replaceAll('},{', '}{');
  return sequence % 3 === 2 ? broken.slice(0, Math.floor(broken.length * 0.9)) : broken;
}

/** Answer one request as the miner would. */
export function respond(state: MinerState, request: Buffer, context: RespondContext): Response {
  const { now } = context;
  let figures: Reading | undefined;
  const ctx: Asked = { ...context, reading: () => (figures ??= read(state, now)) };
  if (state.fault === 'garbage') {
    const rng = createRandom(`${state.seed}:${state.index}:garbage:${ctx.sequence}`);
    return { body: Buffer.from(Array.from({ length: rng.int(64, 2048) }, () => rng.int(0, 255))) };
  }
  // The firmware reads one recv of at most 4095 bytes into a C string: a NUL ends the request.
  const received = request.toString('latin1').slice(0, 4095);
  const nul = received.indexOf('\u0000');
  const text = nul < 0 ? received : received.slice(0, nul);
  const json = text.startsWith('{');
  let command: string;
  let parameter: string | undefined;
  if (json) {
    let parsed: unknown;
    try {
      parsed = JSON.parse(text);
    } catch {
      parsed = undefined;
    }
    const obj =
      parsed !== null && typeof parsed === 'object' ? (parsed as Record<string, unknown>) : undefined;
    if (!obj)
      return {
        body: Buffer.from(
          `${JSON.stringify(toJsonObject({ status: status(state, now, 23, 'Invalid JSON', 'E') }))}\u0000`,
        ),
      };
    if (typeof obj.command !== 'string') {
      return {
        body: Buffer.from(
          `${JSON.stringify(toJsonObject({ status: status(state, now, 24, "Missing JSON 'command'", 'E') }))}\u0000`,
        ),
      };
    }
    command = obj.command;
    const p = obj.parameter;
    parameter = typeof p === 'string' ? p : typeof p === 'number' ? String(p) : undefined;
  } else {
    const bar = text.indexOf('|');
    command = (bar < 0 ? text : text.slice(0, bar)).trim();
    parameter = bar < 0 ? undefined : text.slice(bar + 1);
  }

  let body: string;
  let rebootAfter: number | undefined;
  let denied = false;
  if (command.includes('+')) {
    const names = [...new Set(command.split('+'))];
    const replies = names.map((name) => ({
      name,
      reply: JOINABLE_COMMANDS.has(name)
        ? single(name, undefined, state, ctx).reply
        : { status: status(state, now, 45, `Access denied to '${name}' command`, 'E') },
    }));
    body = json
      ? JSON.stringify({
          ...Object.fromEntries(replies.map(({ name, reply }) => [name, [toJsonObject(reply)]])),
          id: 1,
        })
      : replies.map(({ name, reply }) => `CMD=${name}|${toText(reply)}`).join('');
  } else {
    const outcome = single(command, parameter, state, ctx);
    rebootAfter = 'rebootAfter' in outcome ? outcome.rebootAfter : undefined;
    denied = 'denied' in outcome && outcome.denied === true;
    body = json ? JSON.stringify(toJsonObject(outcome.reply)) : toText(outcome.reply);
  }
  if (state.fault === 'malformed') body = malform(body, json, ctx.sequence);
  const response: Response = { body: Buffer.from(`${body}\u0000`, 'utf8') };
  if (rebootAfter !== undefined) response.rebootAfter = rebootAfter;
  if (denied) response.denied = true;
  return response;
}
