/**
 * The two limits a fleet sweep needs: a global cap on sockets in flight (file descriptors, the
 * collector's bandwidth) and one command at a time per miner — Canaan's manual: the API "does
 * not support concurrency … wait for the API command finish" (Avalon A10 API manual v0.4, §1).
 */

/** A counting semaphore with a FIFO queue of waiters. */
export class Semaphore {
  private slots: number;
  /** Below zero after a shrink while more than the new size were in use: releases retire slots first. */
  private available: number;
  private readonly waiters: (() => void)[] = [];

  constructor(size: number) {
    Semaphore.check(size);
    this.slots = size;
    this.available = size;
  }

  private static check(size: number): void {
    if (!Number.isInteger(size) || size < 1)
      throw new RangeError(`A semaphore needs a size of at least 1, got ${size}.`);
  }

  get size(): number {
    return this.slots;
  }

  get inUse(): number {
    return this.slots - this.available;
  }

  /**
   * Changes the number of slots. Slots added go to waiters first; slots taken away while in use
   * are retired as they are released, before any waiter gets one.
   */
  resize(size: number): void {
    Semaphore.check(size);
    this.available += size - this.slots;
    this.slots = size;
    while (this.available > 0 && this.waiters.length > 0) {
      this.available--;
      this.waiters.shift()!();
    }
  }

  get waiting(): number {
    return this.waiters.length;
  }

  async acquire(): Promise<() => void> {
    if (this.available > 0) this.available--;
    else await new Promise<void>((resolve) => this.waiters.push(resolve));
    return this.releaser();
  }

  /** A slot now, or undefined when none is free (never waits). */
  tryAcquire(): (() => void) | undefined {
    if (this.available === 0) return undefined;
    this.available--;
    return this.releaser();
  }

  private releaser(): () => void {
    let released = false;
    return () => {
      if (released) return;
      released = true;
      const next = this.available >= 0 ? this.waiters.shift() : undefined;
      if (next)
        next(); // hand the slot straight to the next waiter
      else this.available++;
    };
  }

  async with<T>(fn: () => Promise<T>): Promise<T> {
    const release = await this.acquire();
    try {
      return await fn();
    } finally {
      release();
    }
  }
}

/** A task's promise; one that throws before its first await rejects it, as it would when chained. */
function start<T>(task: () => Promise<T>): Promise<T> {
  try {
    return task();
  } catch (error) {
    return Promise.reject(error);
  }
}

/** Runs tasks for the same key one after another, tasks for different keys independently. */
export class KeyedSerializer {
  private readonly tails = new Map<string, Promise<void>>();

  /** Keys with a task running or waiting. */
  get activeKeys(): number {
    return this.tails.size;
  }

  run<T>(key: string, task: () => Promise<T>): Promise<T> {
    const previous = this.tails.get(key);
    // A key with nothing running (every poll of a sweep) starts at once: chaining it behind a
    // resolved promise cost a promise and a turn of the microtask queue per request.
    const result = previous === undefined ? start(task) : previous.then(task);
    const tail: Promise<void> = result.then(
      () => this.settled(key, tail),
      () => this.settled(key, tail),
    );
    this.tails.set(key, tail);
    return result;
  }

  /** Forgets a key whose last task has ended (one queued behind it since keeps it). */
  private settled(key: string, tail: Promise<void>): void {
    if (this.tails.get(key) === tail) this.tails.delete(key);
  }
}
