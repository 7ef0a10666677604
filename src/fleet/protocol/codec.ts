/**
 * Requests to and replies from the cgminer-style RPC API that Avalon miners speak on TCP 4028
 * (cgminer's API-README; Canaan's Avalon A10 API manual). Pure functions: no sockets here (see
 * client.ts).
 */
import type { Json } from '../../kernel/json.js';
import { ProtocolError } from './protocol-error.js';
import { RepairLog } from './repairs.js';
import { looksLikeTextReply, parseTextReply } from './text-reply.js';
import { DEFAULT_MAX_DEPTH, nestingExceeds, parseTolerantJson } from './tolerant-json.js';

export type { ProtocolFailure } from './protocol-error.js';
export { ProtocolError } from './protocol-error.js';

/**
 * Largest reply read by default: 256 KiB. The biggest real one we hold (A921 `stats`) is 46 KB, and
 * a poll's `summary+estats+pools` of it about 55 KB; five times that leaves room for larger
 * machines while a flooding miner costs at most this much memory, and a reply at this size is
 * checked (depth) and parsed in about a millisecond.
 */
export const DEFAULT_MAX_REPLY_BYTES = 256 * 1024;

/** The firmware reads a request with a single `recv` of at most 4095 bytes (Nano3s api.c). */
export const MAX_REQUEST_BYTES = 4095;

/**
 * Report commands the firmware lets you join with `+` (Nano3s api.c `cmds[]` joinable flag).
 * Anything that changes the miner, or takes a parameter, must be sent alone.
 */
export const JOINABLE_COMMANDS: ReadonlySet<string> = new Set([
  'version',
  'config',
  'devs',
  'edevs',
  'pools',
  'summary',
  'devdetails',
  'stats',
  'estats',
  'litestats',
  'coin',
  'lcd',
  'lockstats',
]);

/** Commands cgminer only runs for a `W:` (write) address in its allow list (API-README). */
export const PRIVILEGED_COMMANDS: ReadonlySet<string> = new Set([
  'ascset',
  'switchpool',
  'enablepool',
  'disablepool',
  'poolpriority',
  'addpool',
  'removepool',
  'setpool',
  'restart',
  'quit',
  'debug',
  'setconfig',
  'zero',
  'save',
  'privileged',
  'time',
]);

export type RequestFormat = 'json' | 'text';

export interface MinerRequest {
  /** One command, or several report commands to join (`['summary', 'pools']` → `summary+pools`). */
  command: string | readonly string[];
  parameter?: string | number;
  format?: RequestFormat;
}

const COMMAND_NAME = /^[a-z][a-z0-9_-]*$/;

function badRequest(message: string): ProtocolError {
  return new ProtocolError('bad-request', message);
}

/** The request's text, checked against what the firmware can take. */
export function encodeRequest(request: MinerRequest): string {
  const names = typeof request.command === 'string' ? request.command.split('+') : [...request.command];
  if (names.length === 0 || names.some((n) => !COMMAND_NAME.test(n))) {
    throw badRequest(
      `command must be one or more lower-case API command names joined by '+', got "${names.join('+')}".`,
    );
  }
  if (names.length > 1) {
    const refused = names.filter((n) => !JOINABLE_COMMANDS.has(n));
    if (refused.length > 0 || request.parameter !== undefined) {
      throw badRequest(
        `only parameter-less report commands can be joined with '+' (${[...JOINABLE_COMMANDS].join(', ')}); ` +
          `send ${refused.length > 0 ? refused.join(', ') : 'a command with a parameter'} on its own.`,
      );
    }
  }
  const command = names.join('+');
  const parameter = request.parameter === undefined ? undefined : String(request.parameter);
  // biome-ignore lint/suspicious/noControlCharactersInRegex: the point is to refuse control characters.
  if (parameter !== undefined && /[\u0000-\u001f\u007f]/.test(parameter)) {
    throw badRequest('parameter must not contain control characters such as newlines or NUL.');
  }
  const text =
    (request.format ?? 'json') === 'json'
      ? JSON.stringify(parameter === undefined ? { command } : { command, parameter })
      : parameter === undefined
        ? command
        : `${command}|${parameter}`;
  const bytes = Buffer.byteLength(text, 'utf8');
  if (bytes > MAX_REQUEST_BYTES) {
    throw badRequest(
      `the request is ${bytes} bytes; the miner reads at most ${MAX_REQUEST_BYTES} in one go, so it would be cut.`,
    );
  }
  return text;
}

/** `{"command":"summary+pools"}`, `{"command":"ascset","parameter":"0,softoff,1:1700000000"}`. */
export function jsonRequest(command: string | readonly string[], parameter?: string | number): string {
  return encodeRequest({ command, parameter, format: 'json' });
}

/** `summary`, `ascset|0,softoff,1:1700000000`. */
export function plainRequest(command: string | readonly string[], parameter?: string | number): string {
  return encodeRequest({ command, parameter, format: 'text' });
}

/** Avalon control parameters (`ascset|0,<option>,<value>`). Timestamps are unix seconds. */
export const ascset = {
  softOff: (atUnixSeconds: number) => `0,softoff,1:${Math.floor(atUnixSeconds)}`,
  softOn: (atUnixSeconds: number) => `0,softon,1:${Math.floor(atUnixSeconds)}`,
  reboot: (delaySeconds = 0) => `0,reboot,${Math.floor(delaySeconds)}`,
  workMode: (mode: number) => `0,workmode,${Math.floor(mode)}`,
  workLevel: (level: number) => `0,worklevel,set,${Math.floor(level)}`,
  led: (on: boolean) => `0,led,1-${on ? 1 : 0}`,
} as const;

export interface DecodedReply extends ReadReply {
  /**
   * The JSON ended before its value did and was cut back to the last complete value. Readable, but
   * a short read: the poller counts it as a failed poll, never as a complete answer.
   */
  truncated: boolean;
}

/** A decoded reply as the telemetry reads it. */
export interface ReadReply {
  value: Json;
  /** One sentence per kind of defect repaired; empty for a clean reply. */
  repairs: string[];
  format: RequestFormat;
}

export interface DecodeOptions {
  maxBytes?: number;
  maxDepth?: number;
}

function toText(bytes: Buffer | string, log: RepairLog): string {
  if (typeof bytes === 'string') return bytes;
  const text = bytes.toString('utf8');
  if (text.includes('\ufffd') && !Buffer.from(text, 'utf8').equals(bytes)) {
    // Count the replacement characters the decoder introduced, not ones the miner really sent.
    const genuine = bytes.toString('latin1').split('\u00ef\u00bf\u00bd').length - 1;
    const introduced = text.split('\ufffd').length - 1 - genuine;
    if (introduced > 0) log.add('invalid-utf8', introduced);
  }
  return text;
}

/** Drop the trailing NUL (cgminer sends `len+1` bytes) and whitespace; a loop, not a regex, to stay linear. */
function stripTrailing(text: string): string {
  let end = text.length;
  while (end > 0) {
    const c = text.charCodeAt(end - 1);
    if (c === 0 || c === 32 || c === 9 || c === 10 || c === 13) end--;
    else break;
  }
  return text.slice(0, end);
}

/**
 * Decode one raw reply: strip the trailing NUL every cgminer sends, tell JSON from the text form,
 * repair known firmware defects (reported in `repairs`), and refuse what cannot be used with a
 * `ProtocolError` — never any other exception.
 */
export function decodeReply(bytes: Buffer | string, options: DecodeOptions = {}): DecodedReply {
  const maxBytes = options.maxBytes ?? DEFAULT_MAX_REPLY_BYTES;
  const maxDepth = options.maxDepth ?? DEFAULT_MAX_DEPTH;
  const size = typeof bytes === 'string' ? bytes.length : bytes.byteLength;
  if (size > maxBytes) {
    throw new ProtocolError(
      'too-large',
      `The miner's reply is ${size} bytes, over the ${maxBytes}-byte limit.`,
      {
        size,
        maxBytes,
      },
    );
  }
  const log = new RepairLog();
  const text = stripTrailing(toText(bytes, log));
  if (text.trim() === '') throw new ProtocolError('empty', 'The miner sent an empty reply.');

  if (looksLikeTextReply(text)) {
    return { value: parseTextReply(text, log), repairs: log.list(), format: 'text', truncated: false };
  }
  // `restart` and `quit` answer with a bare word and no STATUS section (API-README).
  const word = text.trim();
  if (word === 'RESTART' || word === 'BYE')
    return { value: { STATUS: word }, repairs: log.list(), format: 'text', truncated: false };

  // The depth is judged on the text, before JSON.parse builds anything (see nestingExceeds).
  if (nestingExceeds(text, maxDepth)) {
    throw new ProtocolError('too-deep', `The miner's reply nests deeper than ${maxDepth} levels.`, {
      maxDepth,
    });
  }
  try {
    const value = JSON.parse(text) as Json;
    if (value !== null && typeof value === 'object' && log.size === 0) {
      return { value, repairs: [], format: 'json', truncated: false };
    }
  } catch {
    // Not strict JSON: fall through to the tolerant reader.
  }
  const value = parseTolerantJson(text, log, maxDepth);
  return { value, repairs: log.list(), format: 'json', truncated: log.has('truncated') };
}

export interface ReplyStatus {
  status: string;
  code?: number;
  message?: string;
  when?: number;
  description?: string;
}

const str = (v: Json | undefined) => (typeof v === 'string' ? v : undefined);
const num = (v: Json | undefined) => (typeof v === 'number' ? v : undefined);

/** The STATUS section of a single-command reply, if it has one. */
export function replyStatus(value: Json): ReplyStatus | undefined {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return undefined;
  const section = value.STATUS;
  if (typeof section === 'string') return { status: section };
  const first = Array.isArray(section) ? section[0] : undefined;
  if (first === null || typeof first !== 'object' || Array.isArray(first) || first === undefined)
    return undefined;
  const status: ReplyStatus = { status: str(first.STATUS) ?? '?' };
  const code = num(first.Code);
  if (code !== undefined) status.code = code;
  const message = str(first.Msg);
  if (message !== undefined) status.message = message;
  const when = num(first.When);
  if (when !== undefined) status.when = when;
  const description = str(first.Description);
  if (description !== undefined) status.description = description;
  return status;
}

/** S and I both mean the command ran (Canaan fms-core treats them alike). */
export function isSuccess(status: ReplyStatus | undefined): boolean {
  return status !== undefined && (status.status === 'S' || status.status === 'I');
}
