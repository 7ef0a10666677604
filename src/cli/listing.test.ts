/**
 * The CLI's listing printer keeps nothing of what it prints: a million rows go out as one valid
 * JSON array, as a table and as CSV, in flat memory (the rows come from a generator, as a paged query
 * would give them).
 */
import { describe, expect, it } from 'vitest';
import { readConfig } from '../app/config.js';
import { type CliRuntime, listing, printCsv, printListing } from './command.js';

const ROWS = 1_000_000;
const MB = 1024 * 1024;

async function* rows() {
  for (let i = 0; i < ROWS; i++) yield { n: i, cents: BigInt(i) * 100n, name: `row ${i}` };
}

/** A runtime whose output is read as it comes: lines counted, memory sampled, nothing kept. */
function reader() {
  const base = process.memoryUsage().heapUsed;
  let peak = 0;
  let rest = '';
  const lines: { count: number; first: string[]; last: string } = { count: 0, first: [], last: '' };
  const runtime: CliRuntime = {
    config: readConfig({}),
    open: () => Promise.reject(new Error('a listing needs no database here')),
    stdout: (text) => {
      const parts = (rest + String(text)).split('\n');
      rest = parts.pop()!;
      for (const l of parts) {
        if (lines.first.length < 12) lines.first.push(l);
        lines.last = l;
        lines.count++;
      }
      peak = Math.max(peak, process.memoryUsage().heapUsed - base);
    },
    stderr: () => {},
    fail: () => {},
  };
  return { runtime, lines, rest: () => rest, peakMb: () => Math.round(peak / MB) };
}

describe('a listing of a million rows', { timeout: 120_000 }, () => {
  const l = () => listing(rows(), { columns: ['n', 'cents', 'name'], cells: (r) => r }).listing;

  it('prints one JSON array, element by element, in flat memory', async () => {
    const out = reader();
    await printListing(l(), true, out.runtime);
    expect(out.rest()).toBe('');
    expect(out.lines.first.slice(0, 6)).toEqual([
      '[',
      '  {',
      '    "n": 0,',
      '    "cents": "0",',
      '    "name": "row 0"',
      '  },',
    ]);
    expect(out.lines.last).toBe(']');
    expect(out.lines.count).toBe(ROWS * 5 + 2); // "{", three fields, "}" a row; the brackets
    expect(out.peakMb()).toBeLessThan(150);
  });

  it('prints a table a line a row, in flat memory', async () => {
    const out = reader();
    await printListing(l(), false, out.runtime);
    expect(out.lines.count).toBe(ROWS + 2); // the header, its underline
    expect(out.lines.last).toMatch(/999,999\s+99999900\s+row 999999$/);
    expect(out.peakMb()).toBeLessThan(150);
  });

  it('prints CSV a line a row, in flat memory', async () => {
    const out = reader();
    await printCsv({ listing: l() }, out.runtime);
    expect(out.lines.first.slice(0, 2)).toEqual(['n,cents,name\r', '0,0,row 0\r']);
    expect(out.lines.last).toBe('999999,99999900,row 999999\r');
    expect(out.lines.count).toBe(ROWS + 1);
    expect(out.peakMb()).toBeLessThan(150);
  });
});
