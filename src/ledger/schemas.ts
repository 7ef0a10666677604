import { z } from 'zod';
import { zDay } from '../kernel/calendar-schemas.js';

/** Which events to list: a window of days, a kind or its prefix, a stream, an actor, a page. */
export const AuditQuery = z
  .object({
    since: zDay.optional().describe('first day (UTC) to list'),
    until: zDay.optional().describe('day (UTC) to stop before'),
    kind: z.string().optional().describe('event kind or its prefix, e.g. sales.'),
    stream: z.string().optional().describe('one stream, e.g. contract:42'),
    actor: z.string().optional().describe('who acted, e.g. token:alice'),
    after: z.coerce.number().int().min(0).optional().describe('only events after this id (the next page)'),
    limit: z.coerce.number().int().min(1).max(10_000).default(1000),
  })
  .strict();
