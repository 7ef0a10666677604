import { describe, expect, it } from 'vitest';
import { PollerHeap } from './poller-heap.js';

describe('PollerHeap', () => {
  it('tightens the heap for the first pass and gives it back after the last, overlapping passes counted', async () => {
    const calls: string[] = [];
    const heap = new PollerHeap((flags) => calls.push(flags));
    let endFirst!: () => void;
    const first = heap.during(() => new Promise<void>((resolve) => (endFirst = resolve)));
    await heap.during(async () => {});
    expect(calls).toEqual(['--heap-growing-percent=100']);
    endFirst();
    await first;
    expect(calls).toEqual(['--heap-growing-percent=100', '--heap-growing-percent=0']);
  });

  it('gives the heap back when a pass fails', async () => {
    const calls: string[] = [];
    const heap = new PollerHeap((flags) => calls.push(flags));
    await expect(heap.during(() => Promise.reject(new Error('database gone')))).rejects.toThrow(
      'database gone',
    );
    expect(calls.at(-1)).toBe('--heap-growing-percent=0');
  });

  it('leaves V8 alone in a process that answers the API too', async () => {
    const calls: string[] = [];
    const heap = new PollerHeap((flags) => calls.push(flags));
    heap.besideApi();
    expect(await heap.during(async () => 'polled')).toBe('polled');
    expect(calls).toEqual([]);
  });
});
