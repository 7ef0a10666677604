import { describe, expect, it } from 'vitest';
import { Semaphore } from './concurrency.js';

describe('Semaphore', () => {
  it('hands slots added by a resize to its waiters at once', async () => {
    const lane = new Semaphore(1);
    await lane.acquire();
    const started: number[] = [];
    const waiting = [1, 2, 3].map((i) => lane.acquire().then(() => started.push(i)));
    lane.resize(3);
    await Promise.all(waiting.slice(0, 2));
    expect(started).toEqual([1, 2]);
    expect(lane.inUse).toBe(3);
    expect(lane.waiting).toBe(1);
  });

  it('retires slots taken away while in use as they are released, before any waiter gets one', async () => {
    const lane = new Semaphore(3);
    const held = await Promise.all([lane.acquire(), lane.acquire(), lane.acquire()]);
    let started = false;
    const waiter = lane.acquire().then((release) => {
      started = true;
      return release;
    });
    lane.resize(1);
    held[0]!();
    held[1]!();
    await Promise.resolve();
    expect(started).toBe(false);
    expect(lane.inUse).toBe(1);
    held[2]!();
    (await waiter)();
    expect(started).toBe(true);
    expect(lane.inUse).toBe(0);
    expect(lane.tryAcquire()).toBeDefined();
    expect(lane.tryAcquire()).toBeUndefined();
  });
});
