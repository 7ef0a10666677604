/**
 * The CLI's listing printer keeps nothing of what it prints: 200,000 rows go out as one valid JSON
 * array, as a table and as CSV, and the heap left after a full collection does not grow from the
 * first tenth of the output to the last (the rows come from a generator, as a paged query would
 * give them). Taken after a collection, the growth is what the printer holds, not garbage not yet
 * collected, so a fifth of the rows the peak heap once needed (a million, under 150 MB) shows it:
 * a printer holding each row's text keeps ~90 bytes a row here, and one holding nothing about 0.
 */
import { describe, expect, it } from 'vitest';
import { readConfig } from '../app/config.js';
import { retainedHeap } from '../testing/heap.js';
import { type CliRuntime, listing, printCsv, printListing } from './command.js';

const ROWS = 200_000;

async function* rows() {
  for (let i = 0; i < ROWS; i++) yield { n: i, cents: BigInt(i) * 100n, name: `row ${i}` };
}

/**
 * A runtime whose output is read as it comes: lines counted, nothing kept, and the retained heap
 * taken when the output passes a tenth and nine tenths of the `expected` lines.
 */
function reader(expected: number) {
  const checkpoints = [expected / 10, (expected * 9) / 10];
  const heap: number[] = [];
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
      if (lines.count >= checkpoints[heap.length]!) heap.push(retainedHeap());
    },
    stderr: () => {},
    fail: () => {},
  };
  return {
    runtime,
    lines,
    rest: () => rest,
    /** Bytes the heap kept for each row printed between the two checkpoints. */
    bytesPerRow: () => {
      expect(heap).toHaveLength(2);
      return (heap[1]! - heap[0]!) / (ROWS * 0.8);
    },
  };
}

describe('a listing of 200,000 rows', { timeout: 120_000 }, () => {
  const l = () => listing(rows(), { columns: ['n', 'cents', 'name'], cells: (r) => r }).listing;

  it('prints one JSON array, element by element, in flat memory', async () => {
    const out = reader(ROWS * 5 + 2);
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
    expect(out.bytesPerRow()).toBeLessThan(8);
  });

  it('prints a table a line a row, in flat memory', async () => {
    const out = reader(ROWS + 2);
    await printListing(l(), false, out.runtime);
    expect(out.lines.count).toBe(ROWS + 2); // the header, its underline
    expect(out.lines.last).toMatch(/199,999\s+19999900\s+row 199999$/);
    expect(out.bytesPerRow()).toBeLessThan(8);
  });

  it('prints CSV a line a row, in flat memory', async () => {
    const out = reader(ROWS + 1);
    await printCsv({ listing: l() }, out.runtime);
    expect(out.lines.first.slice(0, 2)).toEqual(['n,cents,name\r', '0,0,row 0\r']);
    expect(out.lines.last).toBe('199999,19999900,row 199999\r');
    expect(out.lines.count).toBe(ROWS + 1);
    expect(out.bytesPerRow()).toBeLessThan(8);
  });
});
