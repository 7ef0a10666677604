import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import './zod-messages.js';

const messageOf = (schema: z.ZodType, value: unknown) => schema.safeParse(value).error?.issues[0]?.message;

describe('zod messages at our boundaries', () => {
  it('say what to write instead of naming types', () => {
    const schema = z.object({ units: z.coerce.number(), name: z.string(), paid: z.boolean() });
    expect(messageOf(schema, { units: 'two hundred', name: 'x', paid: true })).toBe('must be a number');
    expect(messageOf(schema, { units: 1, name: 7, paid: true })).toBe('must be text');
    expect(messageOf(schema, { units: 1, paid: true })).toBe('is required');
    expect(messageOf(schema, { units: 1, name: 'x', paid: 'yes' })).toBe('must be true or false');
    expect(messageOf(z.enum(['machine', 'ai-chip']), 'banana')).toBe('must be one of machine, ai-chip');
    expect(messageOf(z.string().min(3), 'ok')).toBe('must be at least 3 characters');
    expect(messageOf(z.string().min(1), '')).toBe('must not be empty');
    expect(messageOf(z.string().max(5), 'too long')).toBe('must be at most 5 characters');
    expect(messageOf(z.number().max(10), 11)).toBe('must be at most 10');
    expect(messageOf(z.number().gt(0), 0)).toBe('must be more than 0');
    expect(messageOf(z.array(z.string()).min(1), [])).toBe('needs at least 1 item');
  });

  it("leave a schema's own message alone", () => {
    expect(messageOf(z.coerce.number().int('must be a whole number of units'), 2.5)).toBe(
      'must be a whole number of units',
    );
  });
});
