import { describe, expect, expectTypeOf, it } from 'vitest';
import { z } from 'zod';
import { toWireJson } from './json.js';
import { zCents, zInstant } from './reply-schemas.js';
import type { Agrees, Same, Wire } from './wire.js';

const Reply = z.object({
  valueCents: zCents,
  at: zInstant,
  lines: z.array(z.object({ cents: zCents.nullable(), note: z.string().optional() })),
  kind: z.enum(['a', 'b']),
});

describe('Wire<T>: a reply as toWireJson writes it', () => {
  it('turns bigints and Dates into strings, deep, and keeps the rest', () => {
    type Written = Wire<z.output<typeof Reply>>;
    expectTypeOf<Written>().toEqualTypeOf<{
      valueCents: string;
      at: string;
      lines: { cents: string | null; note?: string | undefined }[];
      kind: 'a' | 'b';
    }>();
    const value: z.output<typeof Reply> = {
      valueCents: 12n,
      at: new Date(0),
      lines: [{ cents: null }],
      kind: 'a',
    };
    const written: Written = JSON.parse(toWireJson(value));
    expectTypeOf(written.valueCents).toBeString();
    expect(written).toEqual({
      valueCents: '12',
      at: '1970-01-01T00:00:00.000Z',
      lines: [{ cents: null }],
      kind: 'a',
    });
  });

  it('tells drifted types apart', () => {
    expectTypeOf<Same<{ a: bigint }, { a: bigint }>>().toEqualTypeOf<true>();
    expectTypeOf<Same<{ a: bigint }, { a: number }>>().toEqualTypeOf<false>();
    expectTypeOf<Same<{ a: bigint; b?: string }, { a: bigint }>>().toEqualTypeOf<false>();
    expectTypeOf<Agrees<true>>().toEqualTypeOf<true>();
  });
});
