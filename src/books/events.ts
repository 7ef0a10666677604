import type { EventOf } from '../ledger/events.js';
import type { Period } from './model.js';

/** What a quarter's report said when the quarter was closed (its JSON text) and its figures' hashes. */
export interface ReportAtClose {
  text: string;
  hash: string;
  sectionHashes: Record<string, string>;
}

export interface PeriodClosed {
  period: Period;
  note: string | null;
  /** Closing a quarter freezes its report; a month has none (nor had closes recorded before this). */
  report?: ReportAtClose | null;
}
export interface PeriodReopened {
  period: Period;
  reason: string;
}

export type BooksEvent =
  | EventOf<'books.period-closed', PeriodClosed>
  | EventOf<'books.period-reopened', PeriodReopened>;
