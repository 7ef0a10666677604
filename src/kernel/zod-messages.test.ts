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
  });

  it("leave a schema's own message alone", () => {
    expect(messageOf(z.coerce.number().int('must be a whole number of units'), 2.5)).toBe(
      'must be a whole number of units',
    );
  });
});
