/**
 * Bad requests for every operation of the OpenAPI document, for src/http/fuzz.test.ts: each
 * operation gets a plausible request (sample values read from its schemas), then one field at a
 * time is made wrong — wrong types, coercible non-numbers, NUL and lone surrogates, huge numbers
 * and strings, deep nesting, dates out of range, missing and extra fields — and the whole request
 * too (bodies that are no JSON, invalid UTF-8, huge, deeply nested; bad path ids and query values).
 */

/** The parts of an OpenAPI 3 document this reads. */
export interface OpenApiDocument {
  paths: Record<string, Record<string, Operation>>;
}
interface Operation {
  parameters?: { in: 'path' | 'query' | 'header'; name: string; required?: boolean; schema?: Schema }[];
  requestBody?: { content?: Record<string, { schema?: Schema }> };
}
interface Schema {
  type?: string;
  enum?: unknown[];
  const?: unknown;
  anyOf?: Schema[];
  oneOf?: Schema[];
  properties?: Record<string, Schema>;
  required?: string[];
  items?: Schema;
  minItems?: number;
  minimum?: number;
  maximum?: number;
  exclusiveMinimum?: number;
  minLength?: number;
  pattern?: string;
  description?: string;
  default?: unknown;
}

export interface FuzzCase {
  /** What was made wrong, to name a failure: `POST /api/sales/contracts body.lines.0.units = "0x10"`. */
  name: string;
  method: string;
  /** Path and query string, already encoded. */
  url: string;
  /** The raw body: JSON text, or bytes that are not UTF-8. */
  body?: string | Uint8Array;
  /**
   * The answer must be a 400 naming the field: for a NUL, lone surrogate or invalid UTF-8
   * anywhere, and for "", null, true, "0x10", "1e3" or " 12" in a number field.
   */
  mustBe400?: boolean | undefined;
}

// --- sample values ------------------------------------------------------------------------------

/** Text a field of this name or pattern accepts, tried in order against the schema's pattern. */
const TEXT_CANDIDATES = ['A1', 'a1', 'US', '2021', '8c:a1:66:00:12:ab', '10.0.0.1', 'x'];

function sampleText(name: string, schema: Schema): string {
  const text = `${name} ${schema.description ?? ''}`;
  if (schema.pattern) {
    const pattern = new RegExp(schema.pattern);
    return TEXT_CANDIDATES.find((c) => pattern.test(c)) ?? 'x';
  }
  if (/quarter|givenWith/i.test(text)) return '2021Q1';
  if (/^period$/.test(name)) return '2021';
  if (/month/i.test(name)) return '2021-01';
  if (/day|date|On$|From$|Until$|^since$|^until$|^from$|^to$|^on$/i.test(name)) return '2021-01-05';
  if (/csv/i.test(name)) return 'date,btc_usd\n';
  return 'x'.repeat(Math.max(schema.minLength ?? 1, 3));
}

/** A value the schema takes, as far as its JSON Schema tells. */
export function sample(schema: Schema, name = ''): unknown {
  if (schema.const !== undefined) return schema.const;
  if (schema.enum) return schema.enum[0];
  const options = schema.anyOf ?? schema.oneOf;
  if (options?.[0]) return sample(options[0], name);
  switch (schema.type) {
    case 'number':
    case 'integer': {
      const low = schema.minimum ?? (schema.exclusiveMinimum !== undefined ? schema.exclusiveMinimum + 1 : 1);
      return Math.min(Math.max(1, low), schema.maximum ?? Number.POSITIVE_INFINITY);
    }
    case 'boolean':
      return false;
    case 'array':
      return Array.from({ length: Math.max(1, schema.minItems ?? 1) }, () =>
        sample(schema.items ?? {}, name),
      );
    case 'object': {
      const out: Record<string, unknown> = {};
      for (const key of schema.required ?? []) out[key] = sample(schema.properties?.[key] ?? {}, key);
      return out;
    }
    default:
      return sampleText(name, schema);
  }
}

// --- bad values ---------------------------------------------------------------------------------

function nested(depth: number): unknown {
  let value: unknown = 1;
  for (let i = 0; i < depth; i++) value = [value];
  return value;
}

/** Wrong for nearly any field: each with a label, and whether it holds a NUL or a lone surrogate. */
const BAD_VALUES: { label: string; value: unknown; poison?: boolean; noNumber?: boolean }[] = [
  { label: 'null', value: null, noNumber: true },
  { label: 'true', value: true, noNumber: true },
  { label: '""', value: '', noNumber: true },
  { label: '"0x10"', value: '0x10', noNumber: true },
  { label: '"1e3"', value: '1e3', noNumber: true },
  { label: '" 12"', value: ' 12', noNumber: true },
  { label: '-1', value: -1 },
  { label: '0', value: 0 },
  { label: '1.5', value: 1.5 },
  { label: '2^53', value: 2 ** 53 },
  { label: '1e308', value: 1e308 },
  { label: '-1e308', value: -1e308 },
  { label: 'digits×400', value: '9'.repeat(400) },
  { label: 'text×100k', value: 'x'.repeat(100_000) },
  { label: '{}', value: {} },
  { label: '[]', value: [] },
  { label: '[[…]] ×2000', value: nested(2000) },
  { label: '"9999-12-31"', value: '9999-12-31' },
  { label: '"0000-01-01"', value: '0000-01-01' },
  { label: '"2021-02-30"', value: '2021-02-30' },
  { label: 'NUL', value: 'A1\u0000', poison: true },
  { label: 'lone surrogate', value: 'A1\uD800', poison: true },
  { label: 'lone low surrogate', value: '\uDC00', poison: true },
];

/** Bad path ids and query values, as they are written in a URL. */
const BAD_URL_TEXT: { label: string; text: string; poison?: boolean; noNumber?: boolean }[] = [
  { label: 'empty', text: '', noNumber: true },
  { label: '0', text: '0' },
  { label: '-1', text: '-1' },
  { label: '0x10', text: '0x10', noNumber: true },
  { label: '1e3', text: '1e3', noNumber: true },
  { label: 'space 12', text: '%2012', noNumber: true },
  { label: '2^64', text: '18446744073709551616' },
  { label: 'digits×400', text: '9'.repeat(400) },
  { label: 'text×5000', text: 'x'.repeat(5000) },
  { label: '9999-12-31', text: '9999-12-31' },
  { label: '9999Q4', text: '9999Q4' },
  { label: 'true', text: 'true', noNumber: true },
  { label: 'dot-dot', text: '..%2F..%2Fetc' },
  { label: 'bad percent', text: '%E0%A4%A' },
  { label: 'overlong UTF-8', text: '%C0%AE' },
  { label: 'invalid UTF-8', text: '%FF%FE' },
  { label: 'NUL', text: 'A1%00', poison: true },
  { label: 'encoded lone surrogate', text: '%ED%A0%80' },
];

/** Bodies wrong as a whole. */
const BAD_BODIES: { label: string; body: string | Uint8Array }[] = [
  { label: 'not JSON', body: '{"a":' },
  { label: 'JSON null', body: 'null' },
  { label: 'JSON list', body: '[]' },
  { label: 'JSON text', body: '"x"' },
  { label: 'JSON number', body: '12' },
  { label: 'nested ×5000', body: `${'['.repeat(5000)}${']'.repeat(5000)}` },
  { label: 'object nested ×5000', body: `${'{"a":'.repeat(5000)}1${'}'.repeat(5000)}` },
  { label: '__proto__', body: '{"__proto__":{"admin":true}}' },
  { label: 'constructor.prototype', body: '{"constructor":{"prototype":{"admin":true}}}' },
  {
    label: 'invalid UTF-8',
    body: new Uint8Array([0x7b, 0x22, 0x6e, 0x22, 0x3a, 0x22, 0xff, 0xfe, 0x22, 0x7d]),
  },
  { label: 'huge', body: JSON.stringify({ padding: 'x'.repeat(8 * 1024 * 1024) }) },
];

// --- the cases ----------------------------------------------------------------------------------

type Json = Record<string, unknown>;
type Path = (string | number)[];

interface Slot {
  path: Path;
  schema: Schema;
}

/** Every place in a sample body, with its schema: object properties and array items, a few levels deep. */
function slots(value: unknown, schema: Schema, path: Path = [], depth = 0): Slot[] {
  if (depth > 4 || value === null || typeof value !== 'object') return [];
  if (Array.isArray(value)) {
    if (value.length === 0) return [];
    const item = { path: [...path, 0], schema: schema.items ?? {} };
    return [item, ...slots(value[0], item.schema, item.path, depth + 1)];
  }
  const props = schema.properties ?? (schema.anyOf ?? schema.oneOf)?.[0]?.properties ?? {};
  const keys = new Set([...Object.keys(value), ...Object.keys(props)]);
  return [...keys].flatMap((key) => {
    const slot = { path: [...path, key], schema: props[key] ?? {} };
    return [slot, ...slots((value as Json)[key], slot.schema, slot.path, depth + 1)];
  });
}

/** A number field: a JSON number, or (zWhole, zDecimal) plain decimal text; nothing else. */
function isNumberField(schema: Schema = {}): boolean {
  if (schema.type === 'number' || schema.type === 'integer') return true;
  const options = schema.anyOf ?? [];
  return (
    options.some((o) => o.type === 'number' || o.type === 'integer') &&
    options.some((o) => o.type === 'string' && o.pattern !== undefined)
  );
}

function withValue(body: unknown, path: Path, value: unknown): unknown {
  const copy = structuredClone(body) as Json;
  let at: Json = copy;
  for (const key of path.slice(0, -1)) at = at[key] as Json;
  const last = path.at(-1)!;
  if (value === undefined) delete at[last];
  else at[last] = value;
  return copy;
}

const MARK = 'A1\u2063MARK';

/** The body as UTF-8 with the bytes FF FE (never UTF-8) where MARK's marker was. */
function invalidUtf8(body: unknown): Uint8Array {
  const [before = '', after = ''] = JSON.stringify(body).split('\u2063MARK');
  const encode = (t: string) => new TextEncoder().encode(t);
  return new Uint8Array([...encode(before), 0xff, 0xfe, ...encode(after)]);
}

/** Sample path values by name; an id of a record that does not exist (999) reaches no write. */
function samplePath(name: string, schema: Schema = {}): string {
  if (name === 'quarter') return '2021Q1';
  if (name === 'day') return '2021-01-05';
  if (name === 'year') return '2021';
  const value = sample(schema, name);
  return typeof value === 'number' ? '999' : String(value);
}

/** One operation's plausible request, and how to write its URL with some values changed. */
function operation(template: string, op: Operation) {
  const params = op.parameters ?? [];
  const path = Object.fromEntries(
    params.filter((p) => p.in === 'path').map((p) => [p.name, samplePath(p.name, p.schema)]),
  );
  const query = Object.fromEntries(
    params
      .filter((p) => p.in === 'query' && p.required)
      .map((p) => [p.name, encodeURIComponent(String(sample(p.schema ?? {}, p.name)))]),
  );
  const url = (pathValues: Record<string, string> = path, queryValues: Record<string, string> = query) => {
    const q = Object.entries(queryValues).map(([k, v]) => `${k}=${v}`);
    const p = template.replace(/\{(\w+)\}/g, (_, name: string) => pathValues[name] ?? '');
    return q.length > 0 ? `${p}?${q.join('&')}` : p;
  };
  const schema = op.requestBody?.content?.['application/json']?.schema;
  const body = schema ? sample(schema) : undefined;
  return {
    params,
    path,
    query,
    url,
    schema,
    body,
    bodyText: body === undefined ? undefined : JSON.stringify(body),
  };
}

type Case = Omit<FuzzCase, 'name' | 'method'> & { what: string };

/** Path ids and query values made wrong one at a time; a parameter twice; one not declared. */
function urlCases(o: ReturnType<typeof operation>): Case[] {
  const cases: Case[] = [];
  const withBody = o.bodyText === undefined ? {} : { body: o.bodyText };
  for (const p of o.params) {
    if (p.in !== 'path' && p.in !== 'query') continue;
    for (const bad of BAD_URL_TEXT) {
      if (p.in === 'path' && bad.text === '') continue; // another route's path, not this one's id
      const url =
        p.in === 'path'
          ? o.url({ ...o.path, [p.name]: bad.text })
          : o.url(o.path, { ...o.query, [p.name]: bad.text });
      const mustBe400 = bad.poison || (bad.noNumber && isNumberField(p.schema));
      cases.push({ what: `${p.in} ${p.name} = ${bad.label}`, url, mustBe400, ...withBody });
    }
    if (p.in === 'query') {
      const twice = `${o.url()}${o.url().includes('?') ? '&' : '?'}${p.name}=1&${p.name}=2`;
      cases.push({ what: `query ${p.name} twice`, url: twice, ...withBody });
    }
  }
  cases.push({ what: 'query undeclared', url: o.url(o.path, { ...o.query, zzz: '1' }), ...withBody });
  return cases;
}

/** Bodies wrong as a whole, and each place in the body made wrong or left out. */
function bodyCases(o: ReturnType<typeof operation>): Case[] {
  if (!o.schema) return [];
  const url = o.url();
  const cases: Case[] = BAD_BODIES.map((b) => ({ what: `body ${b.label}`, url, body: b.body }));
  cases.push({ what: 'body extra field', url, body: JSON.stringify({ ...(o.body as Json), zzz: 1 }) });
  for (const slot of slots(o.body, o.schema)) {
    const where = `body.${slot.path.join('.')}`;
    const body = (value: unknown) => JSON.stringify(withValue(o.body, slot.path, value));
    cases.push({ what: `${where} missing`, url, body: body(undefined) });
    cases.push({
      what: `${where} = invalid UTF-8`,
      url,
      body: invalidUtf8(withValue(o.body, slot.path, MARK)),
      mustBe400: true,
    });
    for (const bad of BAD_VALUES) {
      const mustBe400 = bad.poison || (bad.noNumber && isNumberField(slot.schema));
      cases.push({ what: `${where} = ${bad.label}`, url, body: body(bad.value), mustBe400 });
    }
  }
  return cases;
}

/** Every case for every /api operation of the document, the plausible request of each first. */
export function fuzzCases(doc: OpenApiDocument): FuzzCase[] {
  return Object.entries(doc.paths)
    .filter(([template]) => template.startsWith('/api/'))
    .flatMap(([template, operations]) =>
      Object.entries(operations).flatMap(([method, op]) => {
        const o = operation(template, op);
        const plausible: Case = {
          what: 'as sampled',
          url: o.url(),
          ...(o.bodyText === undefined ? {} : { body: o.bodyText }),
        };
        return [plausible, ...urlCases(o), ...bodyCases(o)].map(({ what, ...c }) => ({
          name: `${method.toUpperCase()} ${template} ${what}`,
          method: method.toUpperCase(),
          ...c,
        }));
      }),
    );
}
