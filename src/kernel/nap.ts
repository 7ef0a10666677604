/**
 * A sleep that `wake` cuts short: a worker's loop naps between looks, and a stop, a freed place or
 * new work wakes it. A wake while no nap is under way does nothing (the next nap runs its course).
 */
export function wakeableNap(): { nap: (ms: number) => Promise<void>; wake: () => void } {
  let cut: (() => void) | undefined;
  return {
    nap: (ms) =>
      new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, ms);
        cut = () => {
          clearTimeout(timer);
          resolve();
        };
      }),
    wake: () => cut?.(),
  };
}

/** Waits for `work`, at most `ms`: its value, or undefined when it did not end in time. */
export async function waitAtMost<T>(work: Promise<T>, ms: number): Promise<T | undefined> {
  let timer: NodeJS.Timeout | undefined;
  const timedOut = new Promise<undefined>((resolve) => {
    timer = setTimeout(() => resolve(undefined), ms);
  });
  try {
    return await Promise.race([work, timedOut]);
  } finally {
    clearTimeout(timer);
  }
}
