/**
 * Query strings read as UTF-8 strictly, as bodies (json-body.ts) and paths (errors.ts) are.
 * Fastify's query parser keeps an escape that does not decode (`%ED%A0%80`, half of a surrogate
 * pair written as bytes; `%zz`) as it came, so a search for it answered 200 with nothing found
 * instead of saying what was wrong with it.
 */
import type { FastifyInstance } from 'fastify';
import { AppError } from '../kernel/errors.js';

export function refuseBadQueryText(app: FastifyInstance): void {
  app.addHook('onRequest', async (req) => {
    const at = req.url.indexOf('?');
    const name = at < 0 ? undefined : badParameter(req.url.slice(at + 1));
    if (name === undefined) return;
    throw new AppError(
      'invalid',
      'invalid.query',
      `${name} must be percent-encoded UTF-8 text; it holds an escape that is not.`,
      name,
    );
  });
}

/** The name of the first parameter that is not percent-encoded UTF-8 (`query` when its name is not). */
export function badParameter(query: string): string | undefined {
  for (const part of query.split('&')) {
    if (decodes(part)) continue;
    const name = part.split('=', 1)[0]!;
    return decodes(name) && name !== '' ? decodeURIComponent(name.replaceAll('+', ' ')) : 'query';
  }
  return undefined;
}

function decodes(text: string): boolean {
  try {
    decodeURIComponent(text.replaceAll('+', ' '));
    return true;
  } catch {
    return false;
  }
}
