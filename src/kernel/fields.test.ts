import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { zAmount, zDay, zDecimal, zFlag, zId, zMonth, zQuarter, zText, zWhole } from './fields.js';

const messageOf = (schema: z.ZodType, value: unknown) =>
  z.object({ f: schema }).safeParse({ f: value }).error?.issues[0]?.message;
const parsed = (schema: z.ZodType, value: unknown) => z.object({ f: schema }).parse({ f: value }).f;

describe('numbers', () => {
  it('take JSON numbers and plainly written text', () => {
    expect(parsed(zWhole(), 12)).toBe(12);
    expect(parsed(zWhole(), '12')).toBe(12);
    expect(parsed(zWhole(), '-3')).toBe(-3);
    expect(parsed(zDecimal(), '0.045')).toBe(0.045);
    expect(parsed(zDecimal(), 1e3)).toBe(1000); // a JSON number may be written so
  });

  it('coerce nothing else (issue 14: "" as $0/kWh, null as 0 units, true as 1 TH/s, 0x10 as 16)', () => {
    for (const bad of ['', null, true, false, '0x10', '1e3', ' 12', '12 ', '+1', '1_000', [], {}, 'NaN']) {
      expect(messageOf(zWhole(), bad)).toBe('must be a number');
      expect(messageOf(zDecimal(), bad)).toBe('must be a number');
    }
    expect(messageOf(zDecimal(), '.5')).toBe('must be a number');
    expect(messageOf(zWhole(), 1.5)).toBe('must be a whole number');
    expect(messageOf(zWhole(), '1.5')).toBe('must be a whole number');
    expect(messageOf(zWhole(), undefined)).toBe('is required');
    expect(messageOf(zDecimal(), Number.POSITIVE_INFINITY)).toBe('must be a number');
  });

  it('check bounds on numbers and text alike, in our words or the field’s', () => {
    expect(messageOf(zWhole({ min: 1, max: 10 }), 11)).toBe('must be at most 10');
    expect(messageOf(zWhole({ min: 1, max: 10 }), '0')).toBe('must be at least 1');
    expect(messageOf(zDecimal({ above: 0 }), '0')).toBe('must be more than 0');
    expect(messageOf(zId(), '0')).toBe('must be greater than 0');
    expect(messageOf(zId(), '99999999999')).toBe('must be at most 2147483647');
    expect(messageOf(zWhole({ message: 'must be a port' }), 'x')).toBe('must be a port');
    expect(messageOf(zWhole({ message: 'must be a port' }), '1.5')).toBe('must be a port');
    expect(messageOf(zWhole({ notWhole: 'must be whole units' }), 2.5)).toBe('must be whole units');
    expect(messageOf(zDecimal({ places: 6 }), '0.1234567')).toBe('must have at most 6 decimals');
    expect(messageOf(zDecimal({ places: 6 }), 1e-7)).toBe('must have at most 6 decimals');
    expect(parsed(zDecimal({ places: 6 }), 0.123456)).toBe(0.123456);
  });
});

describe('text', () => {
  it('refuses NUL characters and lone surrogates, naming what is wrong', () => {
    expect(messageOf(zText, 'a\u0000b')).toBe('must not contain a NUL character (\\u0000)');
    expect(messageOf(zText, 'a\uD800b')).toMatch(/^must be valid Unicode text/);
    expect(messageOf(zText, '\uDC00')).toMatch(/^must be valid Unicode text/);
    expect(parsed(zText, 'ok \uD83D\uDE00')).toBe('ok \uD83D\uDE00');
    expect(messageOf(zText.trim().min(1), '\u0000')).toBe('must not contain a NUL character (\\u0000)');
    expect(messageOf(zAmount, '1\u0000')).toBe('must not contain a NUL character (\\u0000)');
  });
});

describe('calendar and flags', () => {
  it('bounds days, months and quarters from 1900 to 2100', () => {
    expect(parsed(zDay, '2100-12-31')).toBe('2100-12-31');
    expect(messageOf(zDay, '9999-12-31')).toBe('must be a day up to 2100-12-31');
    expect(messageOf(zMonth, '2101-01')).toBe('must be a month up to 2100-12');
    expect(messageOf(zQuarter, '3000Q1')).toBe('must be a quarter up to 2100Q4');
    expect(messageOf(zDay, '1899-12-31')).toMatch(/^must be a calendar date from 1900 on/);
    expect(messageOf(zDay, '2021-03-15\u0000')).toBe('must not contain a NUL character (\\u0000)');
  });

  it('reads true and false, as JSON or text, and nothing else', () => {
    expect(parsed(zFlag, 'true')).toBe(true);
    expect(parsed(zFlag, false)).toBe(false);
    expect(messageOf(zFlag, '1')).toBe('must be true or false');
  });
});

describe('request schemas', () => {
  it('are built from these field types only: no z.coerce, and no bare z.string() or z.number()', () => {
    const src = join(import.meta.dirname, '..');
    const offenders: string[] = [];
    for (const module of readdirSync(src, { withFileTypes: true })) {
      if (!module.isDirectory()) continue;
      for (const file of readdirSync(join(src, module.name))) {
        if (!/^(schemas|routes|commands.*|import-file)\.ts$/.test(file)) continue;
        const text = readFileSync(join(src, module.name, file), 'utf8');
        for (const [n, line] of text.split('\n').entries()) {
          if (/z\.coerce|z\.string\(|z\.number\(|z\.iso\./.test(line))
            offenders.push(`${module.name}/${file}:${n + 1}`);
        }
      }
    }
    expect(offenders).toEqual([]);
  });
});
