/**
 * A JSON reader that accepts what cgminer-style firmware actually sends. Every defect it fixes is
 * one a public client already works around (pyasic `rpc/base.py _load_api_data`, Hive OS agent,
 * Canaan fms-core; a real Avalon 1047 reply with a bare `nan` is in test/fixtures/miner-responses/),
 * but unlike their global string replacements it repairs by position, so a pool user called
 * "nancy" or a URL holding "}{" stays intact. Work is linear in the input and nesting is capped, so hostile input cannot hang it.
 */
import type { Json } from '../../kernel/json.js';
import { ProtocolError } from './protocol-error.js';
import type { RepairLog } from './repairs.js';

export const DEFAULT_MAX_DEPTH = 64;

const INCOMPLETE = Symbol('incomplete');
type Parsed = Json | typeof INCOMPLETE;

/** Own property even for `__proto__`, as JSON.parse does: a reply must never reach a prototype. */
export function setOwn(target: Record<string, unknown>, key: string, value: unknown): void {
  if (key === '__proto__') {
    Object.defineProperty(target, key, { value, enumerable: true, writable: true, configurable: true });
  } else {
    target[key] = value;
  }
}

const NUMBER = /-?\d+(?:\.\d*)?(?:[eE][+-]?\d+)?/y;
const NON_FINITE = /[+-]?(?:nan|inf(?:inity)?)(?![A-Za-z0-9_])/iy;
const NON_FINITE_PREFIX = /^[+-]?(?:n(?:a(?:n)?)?|i(?:n(?:f(?:i(?:n(?:i(?:t)?)?)?)?)?)?)?$/i;

function isStray(code: number): boolean {
  return (code < 32 && code !== 9 && code !== 10 && code !== 13) || code === 127 || code === 0xfffd;
}

function startsValue(ch: string): boolean {
  return '{["-tfnNiI'.includes(ch) || (ch >= '0' && ch <= '9');
}

class Parser {
  private i = 0;
  /** Input ended inside a value; every container still open is closed as the stack unwinds. */
  private eof = false;
  private closed = 0;

  constructor(
    private readonly s: string,
    private readonly log: RepairLog,
    private readonly maxDepth: number,
  ) {}

  parse(): Json {
    const s = this.s;
    this.ws();
    const first = s[this.i];
    if (first === ',') {
      // Avalon firmware sometimes sends a reply whose first byte is ',' (pyasic's `,"id":1}` case).
      this.log.add('leading-comma');
    } else if (first !== '{' && first !== '[') {
      const start = s.indexOf('{', this.i);
      if (start < 0) throw this.fail('the reply holds no JSON object');
      this.log.add('leading-garbage', start - this.i);
      this.i = start;
    }
    const value = first === ',' ? this.object(1) : this.value(0);
    if (value === INCOMPLETE) throw this.fail('the reply ends before its first value is complete');
    if (this.eof) this.log.add('truncated', this.closed);
    this.ws();
    if (this.i < s.length) this.log.add('trailing-data', s.length - this.i);
    return value;
  }

  private fail(message: string): ProtocolError {
    const at = Math.min(this.i, this.s.length);
    return new ProtocolError(
      'malformed',
      `The miner's reply is not usable JSON: ${message} (at byte ${at}).`,
      {
        offset: at,
        near: this.s.slice(Math.max(0, at - 20), at + 20),
      },
    );
  }

  private ws(): void {
    const s = this.s;
    let strays = 0;
    while (this.i < s.length) {
      const c = s.charCodeAt(this.i);
      if (c === 32 || c === 10 || c === 13 || c === 9) this.i++;
      else if (isStray(c)) {
        strays++;
        this.i++;
      } else break;
    }
    if (strays > 0) this.log.add('control-bytes', strays);
  }

  private atEnd(): typeof INCOMPLETE {
    this.eof = true;
    this.i = this.s.length;
    return INCOMPLETE;
  }

  private value(depth: number): Parsed {
    this.ws();
    const s = this.s;
    if (this.i >= s.length) return this.atEnd();
    const c = s[this.i]!;
    if (c === '{') return this.object(depth + 1);
    if (c === '[') return this.array(depth + 1);
    if (c === '"') return this.string();
    if (s.startsWith('true', this.i)) return this.word(4, true);
    if (s.startsWith('false', this.i)) return this.word(5, false);
    if (s.startsWith('null', this.i)) return this.word(4, null);
    NON_FINITE.lastIndex = this.i;
    const nonFinite = NON_FINITE.exec(s);
    if (nonFinite) return this.word(nonFinite[0].length, null, true);
    NUMBER.lastIndex = this.i;
    const number = NUMBER.exec(s);
    if (number) {
      const end = this.i + number[0].length;
      // A number that runs into the end of input may have lost digits: not a complete value.
      if (end >= s.length) return this.atEnd();
      this.i = end;
      const n = Number(number[0]);
      if (Number.isFinite(n)) return n;
      this.log.add('nan-inf');
      return null;
    }
    const rest = s.slice(this.i);
    if (
      rest.length < 9 &&
      (NON_FINITE_PREFIX.test(rest) || ['true', 'false', 'null'].some((w) => w.startsWith(rest)))
    ) {
      return this.atEnd();
    }
    throw this.fail(`unexpected ${JSON.stringify(c)}`);
  }

  private word(length: number, value: Json, nonFinite = false): Parsed {
    this.i += length;
    if (nonFinite) this.log.add('nan-inf');
    return value;
  }

  private string(): Parsed {
    const s = this.s;
    let i = this.i + 1;
    let out = '';
    for (;;) {
      let j = i;
      while (j < s.length) {
        const c = s.charCodeAt(j);
        if (c === 34 || c === 92 || c < 32) break;
        j++;
      }
      if (j >= s.length) return this.atEnd();
      out += s.slice(i, j);
      const c = s.charCodeAt(j);
      if (c === 34) {
        this.i = j + 1;
        return out;
      }
      if (c < 32) {
        this.log.add('control-bytes');
        i = j + 1;
        continue;
      }
      if (j + 1 >= s.length) return this.atEnd();
      const e = s[j + 1]!;
      i = j + 2;
      switch (e) {
        case '"':
        case '\\':
        case '/':
          out += e;
          break;
        case 'b':
          out += '\b';
          break;
        case 'f':
          out += '\f';
          break;
        case 'n':
          out += '\n';
          break;
        case 'r':
          out += '\r';
          break;
        case 't':
          out += '\t';
          break;
        case 'u': {
          if (j + 6 > s.length) return this.atEnd();
          const hex = s.slice(j + 2, j + 6);
          if (/^[0-9a-fA-F]{4}$/.test(hex)) {
            out += String.fromCharCode(Number.parseInt(hex, 16));
            i = j + 6;
          } else {
            this.log.add('bad-escape');
            out += 'u';
          }
          break;
        }
        default:
          this.log.add('bad-escape');
          out += e;
      }
    }
  }

  private object(depth: number): Parsed {
    if (depth > this.maxDepth) throw this.tooDeep();
    const s = this.s;
    this.i++;
    const obj: Record<string, Json> = {};
    let state: 'start' | 'comma' | 'value' = 'start';
    for (;;) {
      this.ws();
      if (this.i >= s.length) return this.unwind(obj);
      const c = s[this.i];
      if (c === '}') {
        if (state === 'comma') this.log.add('extra-comma');
        this.i++;
        return obj;
      }
      if (c === ',') {
        if (state !== 'value') this.log.add('extra-comma');
        state = 'comma';
        this.i++;
        continue;
      }
      if (c !== '"') throw this.fail(state === 'value' ? "expected ',' or '}'" : 'expected a quoted key');
      if (state === 'value') this.log.add('missing-comma');
      const key = this.string();
      if (key === INCOMPLETE) return this.unwind(obj);
      this.ws();
      if (this.i >= s.length) return this.unwind(obj);
      if (s[this.i] !== ':') throw this.fail("expected ':' after a key");
      this.i++;
      const v = this.value(depth);
      if (v === INCOMPLETE) return this.unwind(obj);
      setOwn(obj, key as string, v);
      if (this.eof) return this.unwind(obj);
      state = 'value';
    }
  }

  private array(depth: number): Parsed {
    if (depth > this.maxDepth) throw this.tooDeep();
    const s = this.s;
    this.i++;
    const arr: Json[] = [];
    let state: 'start' | 'comma' | 'value' = 'start';
    for (;;) {
      this.ws();
      if (this.i >= s.length) return this.unwind(arr);
      const c = s[this.i]!;
      if (c === ']') {
        if (state === 'comma') this.log.add('extra-comma');
        this.i++;
        return arr;
      }
      if (c === ',') {
        if (state !== 'value') this.log.add('extra-comma');
        state = 'comma';
        this.i++;
        continue;
      }
      if (state === 'value') {
        if (!startsValue(c) && c !== '"') throw this.fail("expected ',' or ']'");
        this.log.add('missing-comma');
      }
      const v = this.value(depth);
      if (v === INCOMPLETE) return this.unwind(arr);
      arr.push(v);
      if (this.eof) return this.unwind(arr);
      state = 'value';
    }
  }

  private unwind<T extends Json>(container: T): T {
    this.eof = true;
    this.closed++;
    return container;
  }

  private tooDeep(): ProtocolError {
    return new ProtocolError(
      'too-deep',
      `The miner's reply nests deeper than ${this.maxDepth} levels; no real reply does, so it was refused.`,
      { maxDepth: this.maxDepth },
    );
  }
}

/** Parse `text` as JSON, repairing known firmware defects and logging each repair in `log`. */
export function parseTolerantJson(text: string, log: RepairLog, maxDepth = DEFAULT_MAX_DEPTH): Json {
  return new Parser(text, log, maxDepth).parse();
}

/**
 * Whether JSON text nests deeper than `limit`, found by one pass over the text before anything is
 * built: V8's JSON.parse spends 50-170 ms on 64 KB of nested brackets and seconds on a megabyte, so
 * the depth must be refused before parsing, not measured after. Brackets inside strings do not count.
 *
 * Strings are jumped over with `indexOf` (native, a few bytes a nanosecond) rather than read a
 * character at a time: most of a reply is strings (keys, the Avalon module text), and the
 * character loop cost more than JSON.parse itself (16 µs against 11 µs on a 5 KB poll reply).
 */
export function nestingExceeds(text: string, limit: number): boolean {
  let depth = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === 34) {
      i = closingQuote(text, i);
      if (i < 0) return false; // unterminated: nothing after it can open a bracket
    } else if (c === 123 || c === 91) {
      if (++depth > limit) return true;
    } else if ((c === 125 || c === 93) && depth > 0) depth--;
  }
  return false;
}

/** The quote that closes the string opened at `open`, or -1: one preceded by an even run of backslashes. */
function closingQuote(text: string, open: number): number {
  for (let at = open; ; ) {
    at = text.indexOf('"', at + 1);
    if (at < 0) return -1;
    let backslashes = 0;
    while (text.charCodeAt(at - 1 - backslashes) === 92) backslashes++;
    if (backslashes % 2 === 0) return at;
  }
}
