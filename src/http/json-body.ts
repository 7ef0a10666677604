/**
 * JSON request bodies read as UTF-8 strictly. Fastify's own parser decodes the bytes leniently,
 * so invalid UTF-8 arrived as U+FFFD and was stored as "���"; here the bytes are decoded with a
 * fatal decoder first and a body that is not UTF-8 is refused, naming the field that holds the
 * bad bytes where it can be found; then Fastify's parser (with its __proto__ and constructor
 * guards) reads the text, and a body it cannot read is refused naming `body` and why (Fastify's own
 * refusal names neither: "Body is not valid JSON but content-type is set to 'application/json'").
 */
import type { FastifyInstance } from 'fastify';
import { AppError } from '../kernel/errors.js';

const STRICT = new TextDecoder('utf-8', { fatal: true });
const LENIENT = new TextDecoder('utf-8');

export function readJsonBodiesStrictly(app: FastifyInstance): void {
  const parseJson = app.getDefaultJsonParser('error', 'error');
  app.removeContentTypeParser('application/json');
  app.addContentTypeParser('application/json', { parseAs: 'buffer' }, (req, bytes, done) => {
    let text: string;
    try {
      text = STRICT.decode(bytes as Buffer);
    } catch {
      const field = fieldWithReplacement(LENIENT.decode(bytes as Buffer)) ?? 'body';
      done(
        new AppError(
          'invalid',
          'invalid.utf8',
          `${field} must be UTF-8 text; it holds bytes that are not.`,
          field,
        ),
      );
      return;
    }
    void parseJson(req, text, (error, body) => done(error ? unreadable(error, text) : null, body));
  });
}

/** Fastify's refusal of a body, as one naming `body` and the parser's reason. */
function unreadable(error: Error, text: string): Error {
  const code = (error as { code?: string }).code;
  if (code === 'FST_ERR_CTP_EMPTY_JSON_BODY') {
    return new AppError(
      'invalid',
      'invalid.json',
      'body: is empty; send a JSON document or no content-type.',
      'body',
    );
  }
  if (code !== 'FST_ERR_CTP_INVALID_JSON_BODY') return error;
  return new AppError('invalid', 'invalid.json', `body: is not valid JSON: ${parseReason(text)}.`, 'body');
}

/**
 * Why the text is no JSON, in the words of the platform's parser: Fastify's parser throws away its
 * reason. Text that JSON.parse reads (a __proto__ key Fastify's guard refuses) says so instead.
 */
function parseReason(text: string): string {
  try {
    JSON.parse(text);
  } catch (error) {
    return (error as Error).message;
  }
  return 'it holds a __proto__ or constructor.prototype key, which is not accepted';
}

/** The dotted path of the first string (or key) holding U+FFFD, in a body decoded leniently. */
function fieldWithReplacement(text: string): string | undefined {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    return undefined;
  }
  const stack: { value: unknown; path: string[] }[] = [{ value: json, path: [] }];
  while (stack.length > 0) {
    const { value, path } = stack.pop()!;
    if (typeof value === 'string' && value.includes('\uFFFD')) return path.join('.') || undefined;
    if (value === null || typeof value !== 'object' || path.length > 32) continue;
    for (const [key, inner] of Object.entries(value).reverse()) {
      if (key.includes('\uFFFD')) return [...path, key].join('.');
      stack.push({ value: inner, path: [...path, key] });
    }
  }
  return undefined;
}
