import { defineProjections, recorder } from '../ledger/events.js';
import type { BooksEvent } from './events.js';
import { saveClosedReport, savePeriod } from './store.js';

export const recordBooks = recorder<BooksEvent>();

export const booksProjections = defineProjections<BooksEvent>({
  'books.period-closed': async (tx, e) => {
    await savePeriod(tx, e.payload.period, {
      closed: true,
      at: e.recordedAt,
      by: e.actor,
      note: e.payload.note,
    });
    if (e.payload.report)
      await saveClosedReport(tx, e.payload.period.name, e.payload.report, e.recordedAt, e.actor);
  },
  // A reopened quarter's report is computed afresh again, compared with the figures last closed
  // (kept), and frozen anew when it closes again.
  'books.period-reopened': async (tx, e) => {
    await savePeriod(tx, e.payload.period, {
      closed: false,
      at: e.recordedAt,
      by: e.actor,
      note: e.payload.reason,
    });
  },
});
