/** What the audit route answers: events as recorded, newest last. */
import { z } from 'zod';
import { bigintAsText, zInstant } from '../kernel/reply-schemas.js';
import type { Agrees, Same } from '../kernel/wire.js';
import type { RecordedEvent } from './ledger.js';

export const AuditEvents = z.array(
  z.object({
    id: bigintAsText('The event id; pass the last as `after` for the next page'),
    recordedAt: zInstant,
    actor: z.string(),
    kind: z.string(),
    stream: z.string(),
    version: z.number(),
    payload: z.unknown().describe('What the event recorded; its shape depends on the kind'),
  }),
);

type _Agree = Agrees<Same<z.output<typeof AuditEvents>[number], RecordedEvent>>;
