/**
 * One error type for the whole system. Domain code throws `AppError`; the HTTP and CLI edges map
 * its `kind` to a status code or an exit code in one place each (src/http/errors.ts, src/cli/run.ts).
 */
export type ErrorKind =
  | 'invalid'
  | 'unauthenticated'
  | 'forbidden'
  | 'not-found'
  | 'conflict'
  | 'too-large'
  | 'rate-limited'
  | 'unavailable';

export class AppError extends Error {
  constructor(
    readonly kind: ErrorKind,
    /** Stable machine-readable code, e.g. `sales.over-delivery` or `invalid.month`. */
    readonly code: string,
    /** A sentence for the user: what is wrong and, where it helps, what would be right. */
    message: string,
    /** The input field at fault, as a dotted path (`lines.0.units`), when there is one. */
    readonly field?: string,
    /** Extra facts for the log and for the JSON body (never secrets). */
    readonly detail?: Record<string, unknown>,
  ) {
    super(message);
    this.name = 'AppError';
  }
}

export const invalid = (field: string, message: string, code = 'invalid'): AppError =>
  new AppError('invalid', code, message, field);

export const notFound = (what: string, id: string | number | bigint, field?: string): AppError =>
  new AppError('not-found', 'not-found', `${what} ${String(id)} does not exist.`, field);

/** A business rule refused the request; `rule` names it so the user can look it up. */
export const ruleBroken = (
  rule: string,
  message: string,
  field?: string,
  detail?: Record<string, unknown>,
): AppError => new AppError('conflict', rule, message, field, detail);

export const HTTP_STATUS: Record<ErrorKind, number> = {
  invalid: 400,
  unauthenticated: 401,
  forbidden: 403,
  'not-found': 404,
  conflict: 409,
  'too-large': 413,
  'rate-limited': 429,
  unavailable: 503,
};

/** CLI exit codes: 2 is bad input, as usual for command lines; the rest let scripts tell failures apart. */
export const EXIT_CODE: Record<ErrorKind, number> = {
  invalid: 2,
  'not-found': 2,
  conflict: 3,
  'too-large': 2,
  unauthenticated: 4,
  forbidden: 4,
  'rate-limited': 5,
  unavailable: 5,
};

/**
 * A refusal's message without the field's name it opens with ("amountUsd: must be a number",
 * "btcUsd must be a price above 0" → "must be …"), for saying it beside the field or under the
 * option that fed it; undefined when it does not open with the name.
 */
export function afterFieldName(message: string, field: string): string | undefined {
  for (const prefix of [`${field}: `, `${field} `])
    if (message.startsWith(prefix)) return message.slice(prefix.length);
  return undefined;
}
