import { defineProjections } from '../ledger/events.js';
import type { ReportingEvent } from './events.js';
import { insertGuidance } from './store.js';

/** Guidance statements are kept as they were given: one row each, never changed. */
export const reportingProjections = defineProjections<ReportingEvent>({
  'reporting.guidance-recorded': async (tx, event) =>
    insertGuidance(tx, event.payload, event.id, event.recordedAt),
});
