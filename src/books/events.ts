import type { EventOf } from '../ledger/events.js';
import type { Period } from './model.js';

export interface PeriodClosed {
  period: Period;
  note: string | null;
}
export interface PeriodReopened {
  period: Period;
  reason: string;
}

export type BooksEvent =
  | EventOf<'books.period-closed', PeriodClosed>
  | EventOf<'books.period-reopened', PeriodReopened>;
