import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify';
import { hasZodFastifySchemaValidationErrors } from 'fastify-type-provider-zod';
import { fromDatabaseError } from '../db/errors.js';
import { AppError, HTTP_STATUS } from '../kernel/errors.js';
import { BODY_LIMIT_BYTES } from './limits.js';
import '../kernel/zod-messages.js';

export interface ErrorBody {
  error: { code: string; message: string; field?: string; detail?: Record<string, unknown> };
}

/** One mapping from any error to a status and a JSON body. Unknown errors are logged 500s. */
export function handleError(error: FastifyError, req: FastifyRequest, reply: FastifyReply): void {
  const known = toAppError(error);
  if (known) {
    void reply.code(HTTP_STATUS[known.kind]).send(bodyOf(known));
    return;
  }
  req.log.error({ err: error }, 'unhandled error');
  void reply
    .code(500)
    .send({ error: { code: 'internal', message: 'Something went wrong on our side; it has been logged.' } });
}

export function toAppError(error: FastifyError): AppError | undefined {
  if (error instanceof AppError) return error;
  if (hasZodFastifySchemaValidationErrors(error)) {
    const first = error.validation[0]!;
    const path = first.instancePath.replace(/^\//, '').replaceAll('/', '.');
    const where = error.validationContext ?? 'body';
    const field = path || where;
    return new AppError('invalid', 'invalid', `${field}: ${first.message}`, field);
  }
  const fromDb = fromDatabaseError(error);
  if (fromDb) return fromDb;
  if (error.statusCode === 413) {
    return new AppError(
      'too-large',
      'body.too-large',
      `body: the request body is larger than the ${BODY_LIMIT_BYTES / 1024 / 1024} MB this server accepts.`,
      'body',
      { limitBytes: BODY_LIMIT_BYTES },
    );
  }
  if (error.statusCode && error.statusCode >= 400 && error.statusCode < 500) {
    const kind = error.statusCode === 404 ? 'not-found' : 'invalid';
    return new AppError(kind, error.code ?? 'invalid', error.message);
  }
  return undefined;
}

/**
 * Fastify's refusals before any route runs — a path that is not percent-encoded UTF-8, a path
 * parameter over 100 characters — in the one error shape, with Fastify's status (400 or 414).
 */
export function refuseBadUrl(error: FastifyError, _req: FastifyRequest, reply: FastifyReply): void {
  const message =
    error.code === 'FST_ERR_MAX_PARAM_LENGTH'
      ? 'A part of the path is longer than 100 characters; no record has an id that long.'
      : 'The path must be percent-encoded UTF-8 text; it holds an escape that is not.';
  void reply
    .code(error.statusCode ?? 400)
    .send(bodyOf(new AppError('invalid', 'invalid.path', message, 'path')));
}

export function bodyOf(error: AppError): ErrorBody {
  return {
    error: {
      code: error.code,
      message: error.message,
      ...(error.field ? { field: error.field } : {}),
      ...(error.detail ? { detail: error.detail } : {}),
    },
  };
}
