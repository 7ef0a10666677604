import type { Db } from '../db/db.js';

/**
 * A transaction held open across a test's steps: `step` runs work in it (the events it writes take
 * their ids there), `commit` ends it. With another write committed in between, two transactions
 * commit out of id order, as they can on the PostgreSQL server (the embedded database runs one
 * transaction at a time).
 */
export function heldTransaction(db: Db) {
  const steps: ((tx: Db) => Promise<void>)[] = [];
  let wake: (() => void) | undefined;
  let ending = false;
  const committed = db.transaction().execute(async (tx) => {
    for (;;) {
      const next = steps.shift();
      if (next) await next(tx);
      else if (ending) return;
      else await new Promise<void>((resolve) => (wake = resolve));
    }
  });
  const push = (work: (tx: Db) => Promise<void>) => {
    steps.push(work);
    wake?.();
    wake = undefined;
  };
  return {
    step: (work: (tx: Db) => Promise<unknown>) =>
      new Promise<void>((resolve, reject) => push((tx) => work(tx).then(() => resolve(), reject))),
    commit: () => {
      ending = true;
      wake?.();
      return committed;
    },
  };
}
