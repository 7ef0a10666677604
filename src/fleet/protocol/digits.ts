/**
 * The whole number written by `text` from `from` to `to` when that is one or more ASCII digits and
 * nothing else (a regular expression's `\d+`), else -1. Read in place, for the keys a poll tells
 * apart (`PVT_T2`, `Fan10`, `MHS 30s`): a regular expression's match, and the slice of it turned
 * into a number, were garbage for each such key on every poll.
 */
export function digitsValue(text: string, from: number, to: number): number {
  if (to <= from) return -1;
  let n = 0;
  for (let i = from; i < to; i++) {
    const c = text.charCodeAt(i);
    if (c < 48 || c > 57) return -1;
    n = n * 10 + (c - 48);
  }
  // Past 15 digits the sum could round differently from Number()'s reading of them.
  return to - from > 15 ? Number(text.slice(from, to)) : n;
}
