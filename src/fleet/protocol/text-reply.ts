/**
 * cgminer's plain-text reply form, read into the same shape as its JSON form.
 *
 * A reply is records ending in `|`; a record is `name=value` pairs joined by `,`; `\` escapes
 * `|`, `,`, `=` and `\` in values that came from users (pool URL, user, Msg) — cgminer api.c
 * `escape_string`. A record either opens with a bare section name (`SUMMARY,Elapsed=…`,
 * `VERSION,CGMiner=…`) or its first pair names the section (`POOL=0,…`, `STATS=0,…`, `ASC=0,…`).
 * A joined request (`summary+pools`) prefixes each command's records with `CMD=<name>|`.
 *
 * Device strings such as Avalon's `MM ID0=Ver[…] SYSTEMSTATU[Work: In Work, Hash Board: 3] …`
 * are not escaped by the firmware, so commas inside `[...]` do not split fields.
 */
import type { Json } from '../../kernel/json.js';
import type { RepairLog } from './repairs.js';
import { setOwn } from './tolerant-json.js';

/** First pair of a record → the JSON section it belongs to (`POOL=0` is one of `POOLS`). */
const SECTION_OF_FIRST_KEY: Record<string, string> = {
  STATUS: 'STATUS',
  POOL: 'POOLS',
  ASC: 'DEVS',
  PGA: 'DEVS',
  GPU: 'DEVS',
  STATS: 'STATS',
  DEVDETAILS: 'DEVDETAILS',
};

/** Fields JSON sends as strings even when they look like numbers (a MAC of digits, API "3.7"). */
const STRING_KEYS = new Set([
  'STATUS',
  'Msg',
  'Description',
  'CGMiner',
  'API',
  'STM8',
  'PROD',
  'MODEL',
  'HWTYPE',
  'SWTYPE',
  'VERSION',
  'LOADER',
  'DNA',
  'MAC',
  'UPAPI',
  'LVERSION',
  'BVERSION',
  'CGVERSION',
  'HBMCUVERSION',
  'FANMCUVERSION',
  'URL',
  'User',
  'Password',
  'Stratum URL',
  'Proxy',
  'Name',
  'Exists',
  'Access',
  'Current Block Hash',
  'USB Pipe',
]);

const NUMERIC = /^-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?$/;

function typed(key: string, raw: string): Json {
  if (STRING_KEYS.has(key) || key.startsWith('MM ID') || key === 'HBinfo') return raw;
  if (raw === 'true') return true;
  if (raw === 'false') return false;
  if (NUMERIC.test(raw)) {
    const n = Number(raw);
    if (Number.isFinite(n)) return n;
  }
  return raw;
}

/** Split on an unescaped separator; `bracketAware` keeps `[...]` together. Escapes are kept. */
function split(text: string, sep: string, bracketAware: boolean): { parts: string[]; balanced: boolean } {
  const parts: string[] = [];
  let depth = 0;
  let start = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (c === '\\') {
      i++;
      continue;
    }
    if (bracketAware && c === '[') depth++;
    else if (bracketAware && c === ']' && depth > 0) depth--;
    else if (c === sep && depth === 0) {
      parts.push(text.slice(start, i));
      start = i + 1;
    }
  }
  parts.push(text.slice(start));
  return { parts, balanced: depth === 0 };
}

function unescapeText(text: string): string {
  return text.replace(/\\([\\|,=])/g, '$1');
}

function indexOfUnescaped(text: string, ch: string): number {
  for (let i = 0; i < text.length; i++) {
    if (text[i] === '\\') i++;
    else if (text[i] === ch) return i;
  }
  return -1;
}

interface TextRecord {
  header?: string;
  pairs: [string, Json][];
}

function readRecord(text: string, log: RepairLog): TextRecord {
  let { parts, balanced } = split(text, ',', true);
  if (!balanced) {
    log.add('text-unbalanced-brackets');
    parts = split(text, ',', false).parts;
  }
  const record: TextRecord = { pairs: [] };
  parts.forEach((part, index) => {
    const eq = indexOfUnescaped(part, '=');
    if (eq < 0) {
      if (index === 0) record.header = unescapeText(part).trim();
      else {
        // An unescaped comma inside a device string (no brackets around it): glue it back.
        const last = record.pairs[record.pairs.length - 1];
        if (last && typeof last[1] === 'string') last[1] = `${last[1]},${unescapeText(part)}`;
      }
      return;
    }
    const key = unescapeText(part.slice(0, eq));
    record.pairs.push([key, typed(key, unescapeText(part.slice(eq + 1)))]);
  });
  return record;
}

function toObject(pairs: [string, Json][]): Record<string, Json> {
  const obj: Record<string, Json> = {};
  for (const [k, v] of pairs) setOwn(obj, k, v);
  return obj;
}

/** One command's records → `{STATUS:[…], SUMMARY:[…]}`. */
function assemble(records: TextRecord[]): Record<string, Json> {
  const out: Record<string, Json[]> = {};
  let current: string | undefined;
  let currentFirstKey: string | undefined;
  for (const record of records) {
    let section: string;
    const firstKey = record.pairs[0]?.[0];
    if (record.header) section = record.header;
    else if (firstKey && SECTION_OF_FIRST_KEY[firstKey]) section = SECTION_OF_FIRST_KEY[firstKey]!;
    else if (current && firstKey === currentFirstKey) section = current;
    else section = (firstKey ?? 'DATA').toUpperCase();
    current = section;
    currentFirstKey = firstKey;
    if (!Object.hasOwn(out, section)) setOwn(out, section, []);
    out[section]!.push(toObject(record.pairs));
  }
  return out;
}

/** Parse a text-form reply (already stripped of its trailing NUL). */
export function parseTextReply(text: string, log: RepairLog): Json {
  const { parts } = split(text.trim(), '|', false);
  const last = parts.pop() ?? '';
  if (last.trim() !== '') {
    // No closing '|': Canaan's manual prints plain-text replies that way. Whether the reply was cut
    // is the transport's to tell (cgminer ends every answer with a NUL), so the record is kept whole,
    // its last field included.
    log.add('text-unterminated');
    parts.push(last);
  }
  const commands: { name?: string; records: TextRecord[] }[] = [{ records: [] }];
  for (const part of parts) {
    const record = readRecord(part, log);
    const first = record.pairs[0];
    if (record.pairs.length === 1 && !record.header && first?.[0] === 'CMD') {
      commands.push({ name: String(first[1]), records: [] });
    } else {
      commands[commands.length - 1]!.records.push(record);
    }
  }
  const joined = commands.filter((c) => c.name !== undefined);
  if (joined.length === 0) return assemble(commands[0]!.records);
  const result: Record<string, Json> = {};
  for (const command of joined) setOwn(result, command.name!, [assemble(command.records)]);
  return result;
}

/**
 * A record's opening: a bare section name (`SUMMARY,` `VERSION,`) or a first pair (`STATUS=S`,
 * `POOL=0`, `Elapsed=12`), or a join's `CMD=`. A reply without a STATUS section (Canaan's manual
 * prints summaries that start at `SUMMARY,`) is text all the same.
 */
const TEXT_OPENING = /^[A-Za-z][A-Za-z0-9 _%-]{0,40}[,=]/;

/** Does this text look like a cgminer text reply rather than JSON with garbage in front? */
export function looksLikeTextReply(text: string): boolean {
  const start = text.trimStart();
  if (start.startsWith('STATUS=') || start.startsWith('CMD=')) return true;
  // A record of `name=value` pairs that holds no JSON braces at all.
  return TEXT_OPENING.test(start) && start.includes('=') && !start.includes('{');
}
