/** The reporting module's ledger events, by kind. Pure. */
import type { EventOf } from '../ledger/events.js';
import type { Guidance } from './guidance-model.js';

export type ReportingEvent = EventOf<'reporting.guidance-recorded', Guidance>;
