/**
 * How cgminer writes an answer, in its two forms: JSON (`{"STATUS":[{…}],"SUMMARY":[{…}],"id":1}`,
 * a join `{"summary":[{…}],"pools":[{…}],"id":1}`) and plain text (`STATUS=S,…|SUMMARY,Elapsed=…|`,
 * a join `CMD=summary|…CMD=pools|…`), as api.c prints them.
 *
 * A row's keys, their order and its constant values are the same in every reply, so each kind of
 * row is a `Layout` that renders that text once, for both forms; a reply then only writes the values
 * that change. Building row objects and handing them to JSON.stringify cost a simulated miner
 * more than the socket work of answering, in a sweep of 50,000.
 */

/** A value in a row: what cgminer's api_add_* functions print. */
export type Value = string | number | boolean;

/** Sections whose text form opens with the section name (`SUMMARY,Elapsed=…`); others are rows. */
const HEADED = new Set(['SUMMARY', 'VERSION', 'CONFIG', 'CHECK']);
/** Values cgminer escapes (`api_add_escape`): user-supplied strings. */
const ESCAPED = new Set(['Msg', 'Description', 'URL', 'User', 'Stratum URL']);

const escapeText = (s: string) => s.replace(/[\\|,=]/g, (c) => `\\${c}`);

/** Below 2^46 a double's spacing is under 0.01, so a value with two decimals has no shorter form. */
const EXACT_HUNDREDTHS_BELOW = 2 ** 46;

/**
 * A number as String() writes it, made from integers when it has at most two decimals — most of a
 * reply's fractions (`r2` rounds hashrates and percentages so): V8's shortest-form printing of a
 * fraction costs a few times an integer's. Such a value is k/100 for an integer k, and below
 * EXACT_HUNDREDTHS_BELOW no decimal with fewer digits rounds to the same double, so k's digits with
 * the point put back (and trailing zeros dropped) are exactly what String() writes.
 */
export function numberText(n: number): string {
  if (Number.isInteger(n) || !(n > 0 && n < EXACT_HUNDREDTHS_BELOW)) return String(n);
  const k = Math.round(n * 100);
  if (k / 100 !== n) return String(n);
  const whole = Math.floor(k / 100);
  const cents = k - whole * 100;
  return cents % 10 === 0 ? `${whole}.${cents / 10}` : `${whole}.${cents < 10 ? '0' : ''}${cents}`;
}

/**
 * A value as cgminer's JSON form prints it. api.c escapes only what `api_add_escape` adds —
 * user-supplied strings (JSON.stringify here, which also keeps a control byte from breaking the
 * JSON) — and quotes every other string as it is: key names, model names, the `MM ID0` string.
 * Those are made here from digits, letters and brackets, so quoting them as they are is also what
 * JSON.stringify would write, without its scan of the 3 KB `MM ID0`.
 */
function jsonValue(value: Value, escaped: boolean): string {
  if (typeof value === 'string') return escaped ? JSON.stringify(value) : `"${value}"`;
  if (typeof value === 'number') return Number.isFinite(value) ? numberText(value) : 'null';
  return String(value);
}

/** A value as the text form writes it: user-supplied strings escaped, everything else as is. */
function textValue(value: Value, escaped: boolean): string {
  if (typeof value === 'number') return numberText(value);
  return escaped && typeof value === 'string' ? escapeText(value) : String(value);
}

/**
 * One kind of row: its keys in cgminer's order, each a constant or a function of `T` (the miner,
 * its figures, a pool). The text between the values — keys, separators, constants — is made here,
 * once, in both forms.
 */
export class Layout<T> {
  /** Text before each value and, last, after the final one. */
  private readonly jsonText: string[] = [];
  private readonly plainText: string[] = [];
  private readonly escaped: boolean[] = [];
  private readonly values: ((from: T) => Value)[] = [];

  constructor(fields: Readonly<Record<string, Value | ((from: T) => Value)>>) {
    let json = '{';
    let text = '';
    for (const [i, [key, field]] of Object.entries(fields).entries()) {
      const comma = i === 0 ? '' : ',';
      json += `${comma}${JSON.stringify(key)}:`;
      text += `${comma}${key}=`;
      if (typeof field === 'function') {
        this.jsonText.push(json);
        this.plainText.push(text);
        this.escaped.push(ESCAPED.has(key));
        this.values.push(field);
        json = '';
        text = '';
      } else {
        json += jsonValue(field, ESCAPED.has(key));
        text += textValue(field, ESCAPED.has(key));
      }
    }
    this.jsonText.push(`${json}}`);
    this.plainText.push(text);
  }

  json(from: T): string {
    const n = this.values.length;
    let out = '';
    for (let i = 0; i < n; i++) out += this.jsonText[i]! + jsonValue(this.values[i]!(from), this.escaped[i]!);
    return out + this.jsonText[n]!;
  }

  text(from: T): string {
    const n = this.values.length;
    let out = '';
    for (let i = 0; i < n; i++)
      out += this.plainText[i]! + textValue(this.values[i]!(from), this.escaped[i]!);
    return out + this.plainText[n]!;
  }
}

/** The STATUS row every answer opens with. */
export interface Status {
  severity: 'S' | 'I' | 'W' | 'E';
  /** Seconds since the controller booted, as api.c's `When`. */
  when: number;
  code: number;
  message: string;
}

export const STATUS_ROW = new Layout<Status>({
  STATUS: (s) => s.severity,
  When: (s) => s.when,
  Code: (s) => s.code,
  Msg: (s) => s.message,
  Description: 'cgminer 4.11.1',
});

/** One of the two forms: how it writes a row, a command's whole answer, and a join of answers. */
export interface Form {
  row<T>(layout: Layout<T>, from: T): string;
  /** A command's answer: its STATUS row and, for a report, its section's rows (already written). */
  answer(status: Status, section?: string, rows?: readonly string[]): string;
  /** The answers to a `+` join, each under its command's name, in the request's order. */
  joined(answers: readonly (readonly [name: string, answer: string])[]): string;
}

/**
 * The strings of a reply are joined by `+` throughout, never by Array.join: a join copies what it
 * joins into a new flat string, and the `MM ID0` string would be copied again for every level it
 * passes; `+` links them, and the socket's write copies the whole reply once.
 */
function commaSeparated(rows: readonly string[]): string {
  let out = '';
  for (let i = 0; i < rows.length; i++) out += i === 0 ? rows[i]! : `,${rows[i]!}`;
  return out;
}

export const JSON_FORM: Form = {
  row: (layout, from) => layout.json(from),
  answer(status, section, rows = []) {
    const head = `{"STATUS":[${STATUS_ROW.json(status)}]`;
    return section === undefined
      ? `${head},"id":1}`
      : `${head},"${section}":[${commaSeparated(rows)}],"id":1}`;
  },
  joined(answers) {
    // Keyed as a JavaScript object keys them (a command named `id` is overwritten by the id, a
    // numeric name comes first), which is what JSON.stringify of the joined object wrote.
    const parts: Record<string, string> = Object.create(null);
    for (const [name, answer] of answers) parts[name] = `[${answer}]`;
    parts.id = '1';
    let out = '';
    for (const name in parts) out += `${out === '' ? '{' : ','}${JSON.stringify(name)}:${parts[name]}`;
    return `${out}}`;
  },
};

export const TEXT_FORM: Form = {
  row: (layout, from) => layout.text(from),
  answer(status, section, rows = []) {
    let out = `${STATUS_ROW.text(status)}|`;
    const head = section !== undefined && HEADED.has(section) ? `${section},` : '';
    for (const row of rows) out += `${head}${row}|`;
    return out;
  },
  joined(answers) {
    let out = '';
    for (const [name, answer] of answers) out += `CMD=${name}|${answer}`;
    return out;
  },
};
