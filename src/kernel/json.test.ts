import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { fromStoredJson, fromStoredJsonText, toStoredJson, toStoredJsonText, toWireJson } from './json.js';

describe('stored JSON', () => {
  it('keeps bigints, nested in objects and arrays, exactly', () => {
    const value = { a: 1n, b: [2n, { c: -3n, d: 'x' }], e: null, f: 12345678901234567890123n, g: { h: 0n } };
    const text = toStoredJsonText(value);
    expect(text).toBe(
      '{"a":{"$bigint":"1"},"b":[{"$bigint":"2"},{"c":{"$bigint":"-3"},"d":"x"}],"e":null,"f":{"$bigint":"12345678901234567890123"},"g":{"h":{"$bigint":"0"}}}',
    );
    expect(fromStoredJsonText(text)).toEqual(value);
    expect(fromStoredJson(toStoredJson(value))).toEqual(value);
  });

  it('writes what JSON.stringify writes for the rest: dates, undefined, arrays with holes', () => {
    const value = { at: new Date('2021-01-15T00:00:00Z'), gone: undefined, list: [undefined, 1] };
    expect(toStoredJsonText(value)).toBe(JSON.stringify(value));
  });

  it('round-trips any JSON value with bigints in it', () => {
    const withBigints = fc.letrec((tie) => ({
      value: fc.oneof(
        { depthSize: 'small' },
        fc.bigInt(),
        fc.string(),
        fc.integer(),
        fc.boolean(),
        fc.constant(null),
        fc.array(tie('value'), { maxLength: 4 }),
        fc.dictionary(
          fc.string().filter((k) => k !== '$bigint' && k !== '__proto__'),
          tie('value'),
          { maxKeys: 4 },
        ),
      ),
    })).value;
    fc.assert(
      fc.property(withBigints, (v) => {
        expect(fromStoredJsonText(toStoredJsonText(v))).toEqual(v);
      }),
    );
  });

  it('sends bigints over the wire as decimal strings', () => {
    expect(toWireJson({ cents: 123n })).toBe('{"cents":"123"}');
  });
});
