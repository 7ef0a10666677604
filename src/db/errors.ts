import { AppError } from '../kernel/errors.js';

/**
 * PostgreSQL errors that are the user's doing, turned into field-named 4xx in this one place.
 * Anything else stays a bug (a 500 that gets logged).
 */
export function fromDatabaseError(error: unknown): AppError | undefined {
  if (typeof error !== 'object' || error === null || !('code' in error)) return undefined;
  const e = error as { code?: string; constraint?: string; column?: string; detail?: string };
  const field = e.column ?? fieldOfConstraint(e.constraint);
  switch (e.code) {
    case '23505':
      return new AppError('conflict', 'db.duplicate', `That ${field ?? 'record'} already exists.`, field);
    case '23503':
      return new AppError(
        'invalid',
        'db.unknown-reference',
        `The ${field ?? 'referenced record'} does not exist.`,
        field,
      );
    case '23502':
      return new AppError('invalid', 'db.missing', `${field ?? 'A required field'} is required.`, field);
    case '23514':
      return new AppError('invalid', 'db.check-failed', `${field ?? 'A value'} is out of range.`, field);
    case '22003':
      return new AppError('invalid', 'db.out-of-range', 'A number is too large to store.', field);
    default:
      return undefined;
  }
}

/** Our constraints are named `<table>_<column>_<kind>`; the column is the field to name. */
function fieldOfConstraint(constraint: string | undefined): string | undefined {
  const match = constraint?.match(/^[a-z]+_([a-z_]+?)_(key|fkey|check|pkey)$/);
  return match?.[1];
}
