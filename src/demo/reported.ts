/**
 * The real company's reported revenue per TH/s sold, read from data/market/canaan_quarterly.csv,
 * in USD: what the demo's spot-price model is calibrated against. Pure: text in, figures out.
 */
import { parseQuarter, type Quarter } from '../kernel/calendar.js';
import { invalid } from '../kernel/errors.js';
import { readCsv } from '../market/csv.js';
import type { ReportedQuarter } from './spot-model.js';

export interface ReportedRow {
  period: string;
  revenueRmbM: number | null;
  revenueUsdM: number | null;
  revenuePerThRmb: number | null;
}

export function readReported(text: string): ReportedRow[] {
  const [header, ...records] = readCsv(text);
  if (!header) throw invalid('csv', 'The reported-figures file is empty.');
  const col = (name: string) => {
    const i = header.fields.indexOf(name);
    if (i < 0) throw invalid('csv', `The reported-figures file has no column ${name}.`);
    return i;
  };
  const [period, rmb, usd, perTh] = [
    col('period'),
    col('revenue_rmb_m'),
    col('revenue_usd_m'),
    col('revenue_per_th_rmb'),
  ];
  const num = (text: string | undefined) => (text === undefined || text.trim() === '' ? null : Number(text));
  return records.map((r) => ({
    period: r.fields[period]!,
    revenueRmbM: num(r.fields[rmb]),
    revenueUsdM: num(r.fields[usd]),
    revenuePerThRmb: num(r.fields[perTh]),
  }));
}

/**
 * Revenue per TH/s in USD for each calendar quarter that reports it. The file gives it in RMB; the
 * rate is the file's own (RMB revenue ÷ its USD translation) for the quarter when it reports both,
 * else that of the latest earlier period that does (the company translates at period-end rates).
 */
export function reportedUsdPerTh(
  rows: readonly ReportedRow[],
  from: Quarter,
  to: Quarter,
): ReportedQuarter[] {
  const ordered = [...rows].sort((a, b) => (a.period < b.period ? -1 : a.period > b.period ? 1 : 0));
  let rate: number | null = null;
  const out: ReportedQuarter[] = [];
  for (const row of ordered) {
    if (row.revenueRmbM !== null && row.revenueUsdM !== null && row.revenueUsdM > 0) {
      rate = row.revenueRmbM / row.revenueUsdM;
    }
    if (!/^\d{4}Q[1-4]$/.test(row.period)) continue;
    const quarter = parseQuarter(row.period, 'period');
    if (quarter < from || quarter > to || row.revenuePerThRmb === null) continue;
    if (rate === null) throw invalid('csv', `No RMB/USD rate is known at or before ${quarter}.`);
    out.push({ quarter, usdPerTh: row.revenuePerThRmb / rate });
  }
  return out;
}
