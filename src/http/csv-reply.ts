/**
 * A list exported as CSV: the stream (kernel/csv.ts) sent as an attachment a browser saves under
 * `filename`. One place for the headers, so every export opens the same way in a spreadsheet.
 */
import type { Readable } from 'node:stream';
import type { FastifyReply } from 'fastify';

export function sendCsv(reply: FastifyReply, filename: string, rows: Readable): FastifyReply {
  return reply
    .type('text/csv; charset=utf-8')
    .header('content-disposition', `attachment; filename="${filename}"`)
    .send(rows);
}
