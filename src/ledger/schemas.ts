import { z } from 'zod';
import { zDay, zText, zWhole } from '../kernel/fields.js';

/** Which events to list: a window of days, a kind or its prefix, a stream, an actor, a page. */
export const AuditQuery = z
  .object({
    since: zDay.optional().describe('first day (UTC) to list'),
    until: zDay.optional().describe('day (UTC) to stop before'),
    kind: zText.max(200).optional().describe('event kind or its prefix, e.g. sales.'),
    stream: zText.max(200).optional().describe('one stream, e.g. contract:42'),
    actor: zText.max(200).optional().describe('who acted, e.g. token:alice'),
    after: zWhole({ min: 0, max: Number.MAX_SAFE_INTEGER })
      .optional()
      .describe(
        'only events after this one, the last id of the page before: the next page, or what is new since. Events come in the order their transactions wrote, each once a transaction older than it has ended, so asking again after the last id given never misses an event that commits later',
      ),
    limit: zWhole({ min: 1, max: 10_000 }).default(1000),
  })
  .strict();

/** `ledger verify`: how many differences to list at most (all are counted). */
export const VerifyOptions = z
  .object({
    limit: zWhole({ min: 1, max: 100_000 }).default(1000).describe('differences listed at most'),
  })
  .strict();

/** `ledger rebuild`: where the new database goes. */
export const RebuildOptions = z
  .object({
    into: zText
      .trim()
      .min(1, 'must name a new directory or a postgres:// URL')
      .describe('a new directory (embedded database) or a postgres:// URL of an empty database'),
  })
  .strict();
