import { describe, expect, it } from 'vitest';
import type { Db } from '../db/db.js';
import { defineProjections, type EventOf, isEventOf, type Recorded } from './events.js';
import type { RecordedEvent } from './ledger.js';

type TestEvent = EventOf<'test.counted', { n: number }> | EventOf<'test.named', { name: string }>;

const facts = { id: 1n, recordedAt: new Date(0), actor: 'test', stream: 's', version: 1 };
// A stand-in: these projections never touch the database.
const tx = {} as Db;

describe('typed events', () => {
  it('runs the projection of the event’s kind with its payload', async () => {
    const seen: string[] = [];
    const projections = defineProjections<TestEvent>({
      'test.counted': async (_tx, e) => void seen.push(`n=${e.payload.n + 1}`),
      'test.named': async (_tx, e) => void seen.push(`name=${e.payload.name.toUpperCase()}`),
    });
    await projections['test.counted']!(tx, { ...facts, kind: 'test.counted', payload: { n: 1 } });
    await projections['test.named']!(tx, { ...facts, kind: 'test.named', payload: { name: 'a' } });
    expect(seen).toEqual(['n=2', 'name=A']);
    const wrong = projections['test.named']!(tx, { ...facts, kind: 'test.counted', payload: { n: 1 } });
    await expect(wrong).rejects.toThrow(/given an event of kind test.counted/);
  });

  it('narrows a stored event by its kind', () => {
    const stored: RecordedEvent = { ...facts, kind: 'test.named', payload: { name: 'a' } };
    expect(isEventOf<TestEvent>(['test.counted', 'test.named'], stored)).toBe(true);
    expect(isEventOf<TestEvent>(['test.counted'], stored)).toBe(false);
    const e: Recorded<TestEvent> | undefined = isEventOf<TestEvent>(['test.named'], stored)
      ? stored
      : undefined;
    expect(e?.kind === 'test.named' ? e.payload.name : null).toBe('a');
  });

  it('refuses at compile time a missing, unknown or mistyped projection', () => {
    const ok = async () => {};
    // @ts-expect-error test.named has no projection
    defineProjections<TestEvent>({ 'test.counted': ok });
    defineProjections<TestEvent>({
      'test.counted': ok,
      'test.named': ok,
      // @ts-expect-error test.other is not a kind of TestEvent
      'test.other': ok,
    });
    defineProjections<TestEvent>({
      // @ts-expect-error test.counted carries a number, not a name
      'test.counted': async (_tx: Db, e: Recorded<EventOf<'test.counted', { name: string }>>) => void e,
      'test.named': ok,
    });
  });
});
