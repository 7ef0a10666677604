/**
 * Counts of wafers, chips and machines in messages: `12,345`. Grouped by hand because both
 * `toLocaleString` and `Intl.NumberFormat#format` cost microseconds a call, and a plan with
 * thousands of late tranches writes tens of thousands of these.
 */
export function formatCount(n: number): string {
  const text = String(n);
  return n > -1000 && n < 1000 ? text : text.replace(/\B(?=(\d{3})+(?!\d))/g, ',');
}
