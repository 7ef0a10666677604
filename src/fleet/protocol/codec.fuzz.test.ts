/**
 * The decoder faces whatever a miner, a broken switch or an attacker sends. Whatever the bytes:
 * it returns or throws its own ProtocolError, finishes in time linear in the input, and its
 * output is bounded by the input's size.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { Json } from '../../kernel/json.js';
import { parseAvalonFields } from './avalon.js';
import { decodeReply, ProtocolError } from './codec.js';
import { normalise } from './telemetry.js';
import { fixtureNames, readFixture } from './testing-fixtures.js';
import { nestingExceeds } from './tolerant-json.js';

const fixtures = fixtureNames().map(readFixture);

/** Decode and normalise; anything thrown but a ProtocolError fails the property. */
function survives(input: Buffer | string): void {
  let decoded: ReturnType<typeof decodeReply>;
  try {
    // Above the default size limit, so that the readers themselves meet the hostile sizes.
    decoded = decodeReply(input, { maxBytes: 4 * 1024 * 1024 });
  } catch (error) {
    if (!(error instanceof ProtocolError)) throw error;
    return;
  }
  const size = typeof input === 'string' ? input.length : input.byteLength;
  expect(JSON.stringify(decoded.value).length).toBeLessThanOrEqual(8 * size + 64);
  expect(decoded.repairs.length).toBeLessThanOrEqual(12);
  const telemetry = normalise(decoded);
  expect(JSON.stringify(telemetry).length).toBeLessThanOrEqual(8 * size + 4096);
}

/** A fixture with one edit of the kind that broken firmware or a lossy link makes. */
const mutatedFixture = fc
  .tuple(
    fc.constantFrom(...fixtures),
    fc.nat(),
    fc.nat(),
    fc.constantFrom('cut', 'insert', 'delete', 'replace', 'duplicate', 'nul', 'nan', 'comma'),
    fc.string({ maxLength: 8 }),
  )
  .map(([text, a, b, kind, junk]) => {
    const i = a % (text.length + 1);
    const j = Math.min(text.length, i + (b % 64));
    switch (kind) {
      case 'cut':
        return text.slice(0, i);
      case 'insert':
        return text.slice(0, i) + junk + text.slice(i);
      case 'delete':
        return text.slice(0, i) + text.slice(j);
      case 'replace':
        return `${text.slice(0, i)}${junk}${text.slice(j)}`;
      case 'duplicate':
        return text.slice(0, j) + text.slice(i, j) + text.slice(j);
      case 'nul':
        return `${text.slice(0, i)}\u0000${text.slice(i)}`;
      case 'nan':
        return text.replace(/(\d+\.\d+)/, 'nan');
      default:
        return text.replaceAll('},{', '}{').replaceAll('}', ',}');
    }
  });

describe('decoder fuzzing', () => {
  it('random bytes', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 2048 }), (bytes) => survives(Buffer.from(bytes))),
      { numRuns: 1500 },
    );
  });

  it('random strings built from the characters replies are made of', () => {
    const alphabet = fc.constantFrom(...'{}[]",:0123456789.-eEnaifturl |=\\\u0000\n STATUS=CMD='.split(''));
    fc.assert(
      fc.property(fc.array(alphabet, { maxLength: 400 }), (chars) => survives(chars.join(''))),
      { numRuns: 1500 },
    );
  });

  it('mutated real replies', () => {
    fc.assert(fc.property(mutatedFixture, survives), { numRuns: 1500 });
  });

  it('any JSON value normalises without throwing', () => {
    fc.assert(
      fc.property(fc.jsonValue({ maxDepth: 6 }), (value) => {
        normalise(value as Json);
        normalise({ STATUS: [{ STATUS: 'S' }], STATS: [{ 'MM ID0': JSON.stringify(value) }] });
      }),
      { numRuns: 500 },
    );
  });

  it('finds the nesting depth as reading one character at a time would', () => {
    // The definition: brackets outside strings, a backslash in a string escaping the next character.
    const deeper = (text: string, limit: number): boolean => {
      let depth = 0;
      let inString = false;
      for (let i = 0; i < text.length; i++) {
        const c = text[i];
        if (inString) {
          if (c === '\\') i++;
          else if (c === '"') inString = false;
        } else if (c === '"') inString = true;
        else if (c === '[' || c === '{') {
          if (++depth > limit) return true;
        } else if ((c === ']' || c === '}') && depth > 0) depth--;
      }
      return false;
    };
    const text = fc
      .array(fc.constantFrom('[', ']', '{', '}', '"', '\\', 'a', ','), { maxLength: 60 })
      .map((cs) => cs.join(''));
    fc.assert(
      fc.property(text, fc.integer({ min: 0, max: 6 }), (t, limit) => {
        expect(nestingExceeds(t, limit)).toBe(deeper(t, limit));
      }),
      { numRuns: 3000 },
    );
  });

  it('any string parses as Avalon fields without throwing', () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 300 }), (s) => {
        parseAvalonFields(s);
      }),
      { numRuns: 1000 },
    );
  });
});

describe('hostile sizes', () => {
  const MB = 1024 * 1024;
  const cases: Record<string, string> = {
    'deep brackets': '['.repeat(MB),
    'deep objects': '{"a":'.repeat(MB / 5),
    'unterminated string': `{"a":"${'x'.repeat(MB)}`,
    'escaped quotes and backslashes': `{"a":"${'\\"\\\\'.repeat(MB / 4)}"}`,
    'whitespace then junk': `${' '.repeat(MB)}x`,
    'many missing commas': `{"a":[${'{}'.repeat(MB / 2)}]}`,
    'many nans': `{"a":[${'nan,'.repeat(MB / 4)}1]}`,
    'many text records': `STATUS=S|${'POOL=0,URL=u|'.repeat(MB / 13)}`,
    'unbalanced text brackets': `STATUS=S|STATS=0,MM ID0=${'['.repeat(MB)}|`,
    'Avalon brackets': `{"STATUS":[{"STATUS":"S"}],"STATS":[{"MM ID0":"${'PVT_T99999999[1] '.repeat(MB / 20)}"}]}`,
    'Avalon key soup': `{"STATUS":[{"STATUS":"S"}],"STATS":[{"MM ID0":"${'a'.repeat(MB)}[1] SYSTEMSTATU[${'Work:'.repeat(MB / 5)}]"}]}`,
  };

  for (const [name, input] of Object.entries(cases)) {
    it(`${name} (${Math.round(input.length / 1024)} KB) finishes fast`, () => {
      const started = performance.now();
      survives(input);
      expect(performance.now() - started).toBeLessThan(3000);
    });
  }

  it('refuses more than the limit before reading it', () => {
    const started = performance.now();
    expect(() => decodeReply(Buffer.alloc(3 * MB, 0x7b))).toThrow(ProtocolError);
    expect(performance.now() - started).toBeLessThan(50);
  });
});
