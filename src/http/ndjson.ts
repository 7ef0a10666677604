/**
 * A long request's answer as NDJSON: lines written as the work goes (progress), then one last
 * line with its result, or `{"error":{code,message}}`. Once the first line is out the status has
 * been sent, so a failure after that can only be said in the body; refusals belong before it.
 */
import { PassThrough } from 'node:stream';
import type { FastifyBaseLogger, FastifyReply } from 'fastify';
import { z } from 'zod';
import { AppError } from '../kernel/errors.js';
import { toWireJson } from '../kernel/json.js';

export const StreamQuery = z
  .object({
    stream: z.enum(['true', 'false']).optional().describe('true: progress lines (NDJSON) before the result'),
  })
  .strict();

export interface LineStream {
  /** Writes one line now (buffered until the answer is sent). */
  line(value: unknown): void;
  /** Sends the stream as the reply; `last` gives the final line, after which the stream ends. */
  send(reply: FastifyReply, last: Promise<unknown>, log: FastifyBaseLogger): FastifyReply;
}

export function lineStream(): LineStream {
  const out = new PassThrough();
  const line = (value: unknown) => {
    out.write(`${toWireJson(value)}\n`);
  };
  return {
    line,
    send(reply, last, log) {
      void last
        .then(line)
        .catch((error: unknown) => {
          if (!(error instanceof AppError)) log.error(error);
          line({
            error:
              error instanceof AppError
                ? { code: error.code, message: error.message }
                : { message: 'failed' },
          });
        })
        .finally(() => out.end());
      // The declared reply is the JSON form; the NDJSON stream goes out as it is written.
      return reply.type('application/x-ndjson').send(out as never);
    },
  };
}
