/**
 * The pieces every module's reply schemas are made of. A reply schema describes the value as the
 * service returns it (bigints, Dates), so handlers are type-checked against it; each piece also
 * carries how `toWireJson` writes it, so the OpenAPI document shows the wire form: a bigint as
 * `{type: string, pattern}`, not an unrepresentable type.
 */
import { z } from 'zod';

const INTEGER_TEXT = '^-?[0-9]+$';

/** A bigint, documented as the decimal string it becomes on the wire; say what it counts. */
export const bigintAsText = (description: string) =>
  z.bigint().meta({ type: 'string', pattern: INTEGER_TEXT, description });

/** US dollars in integer cents, e.g. "17400000000" for $174m. */
export const zCents = bigintAsText('US dollars in integer cents, as a decimal string');
/** Bitcoin in integer satoshis. */
export const zSats = bigintAsText('Bitcoin in integer satoshis, as a decimal string');

/** Calendar values are plain strings inside the system too (see kernel/calendar.ts). */
export const zDayText = z
  .string()
  .meta({ format: 'date', pattern: '^[0-9]{4}-[0-9]{2}-[0-9]{2}$', description: 'UTC day, YYYY-MM-DD' });
export const zMonthText = z.string().meta({ pattern: '^[0-9]{4}-[0-9]{2}$', description: 'Month, YYYY-MM' });
export const zQuarterText = z.string().meta({ pattern: '^[0-9]{4}Q[1-4]$', description: 'Quarter, YYYYQn' });

/** An instant: a Date inside, an ISO 8601 text on the wire (the type provider documents Dates so). */
export const zInstant = z.date();

/** A list as CSV (kernel/csv.ts), streamed as it is read: documented as text, sent as a stream. */
export const CsvReply = {
  content: {
    'text/csv': {
      schema: z
        .custom<import('node:stream').Readable>()
        .meta({ type: 'string', description: 'CSV with a header line, one line per row' }),
    },
  },
};
