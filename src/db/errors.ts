import { AppError } from '../kernel/errors.js';

/**
 * What PostgreSQL reports with an error, as both drivers hand it over: node-postgres's and
 * PGlite's `DatabaseError` carry the server's ErrorResponse fields under these names.
 */
export interface ServerErrorReport {
  code?: string | undefined;
  table?: string | undefined;
  column?: string | undefined;
  constraint?: string | undefined;
  detail?: string | undefined;
}

/**
 * PostgreSQL errors that are the user's doing, turned into field-named 4xx in this one place.
 * Anything else stays a bug (a 500 that gets logged). The field is taken from what the server
 * reports, never guessed from a name we chose:
 * - not-null: the server names the column;
 * - unique and foreign key: the detail names the key (`Key (customer_id)=(9) is not present …`,
 *   `Key (lower(name))=(acme) already exists.`);
 * - check: the server names the table and the constraint, and PostgreSQL names a column's check
 *   `<table>_<column>_check` (every check in our migrations is named so, or is a table check
 *   over several columns, `<table>_check`, which has no one field).
 * The column becomes the API's field name (`usd_per_kwh` → `usdPerKwh`).
 */
export function fromDatabaseError(error: unknown): AppError | undefined {
  if (typeof error !== 'object' || error === null || !('code' in error)) return undefined;
  const e = error as ServerErrorReport;
  switch (e.code) {
    case '23505': {
      const key = keyOf(e.detail);
      if (!key || key.fields.length === 0)
        return new AppError('conflict', 'db.duplicate', 'That record already exists.');
      const [field, ...more] = key.fields;
      return more.length === 0
        ? new AppError(
            'conflict',
            'db.duplicate',
            `${field} must be unique; another record already has it.`,
            field,
          )
        : new AppError(
            'conflict',
            'db.duplicate',
            `${key.fields.join(' and ')} must be unique together: (${key.value}) is already taken.`,
          );
    }
    case '23503': {
      if (e.detail?.includes(' is still referenced from table ')) {
        // A delete or key change of a row others point at: the fault is in no input field.
        return new AppError('conflict', 'db.still-referenced', 'That record is still in use elsewhere.');
      }
      const key = keyOf(e.detail);
      const fields = key?.fields ?? [];
      return new AppError(
        'invalid',
        'db.unknown-reference',
        fields.length > 0 && key
          ? `${fields.join(' and ')} must refer to an existing record; ${key.value} does not exist.`
          : 'A reference points at a record that does not exist.',
        fields.length === 1 ? fields[0] : undefined,
      );
    }
    case '23502': {
      const field = e.column ? apiField(e.column) : undefined;
      return new AppError('invalid', 'db.missing', `${field ?? 'A required field'} is required.`, field);
    }
    case '23514': {
      const column = checkedColumn(e.table, e.constraint);
      const field = column ? apiField(column) : undefined;
      return new AppError(
        'invalid',
        'db.check-failed',
        field ? `${field} is not an allowed value.` : 'These values do not fit together.',
        field,
      );
    }
    case '22003':
      // The server names no column for an overflow.
      return new AppError('invalid', 'db.out-of-range', 'A number is too large to store.');
    default:
      return undefined;
  }
}

/**
 * The key in a unique or foreign-key violation's detail, `Key (a, b)=(1, 2) …`: its API fields and
 * its value as the server printed it. An expression over one column (`lower(name)`) names that
 * column; a key with any other expression names no field.
 */
export function keyOf(detail: string | undefined): { fields: string[]; value: string } | undefined {
  const match = detail?.match(
    /^Key \((.+?)\)=\((.*)\) (?:already exists|is not present|is still referenced)/s,
  );
  if (!match) return undefined;
  const [, keyText = '', value = ''] = match;
  const columns = keyText
    .split(', ')
    .map((part) => part.match(/^[a-z_][a-z0-9_]*$/)?.[0] ?? part.match(/^\w+\(([a-z_][a-z0-9_]*)\)$/)?.[1]);
  const named = columns.filter((c) => c !== undefined);
  return { fields: named.length === columns.length ? named.map(apiField) : [], value };
}

/** The column of a check PostgreSQL named after it (`market_days_btc_usd_check` → `btc_usd`). */
export function checkedColumn(table: string | undefined, constraint: string | undefined): string | undefined {
  if (!table || !constraint?.startsWith(`${table}_`)) return undefined;
  return constraint.slice(table.length + 1).match(/^([a-z][a-z0-9_]*)_check\d*$/)?.[1];
}

/** The API's name for a column: `usd_per_kwh` → `usdPerKwh`. */
export const apiField = (column: string): string =>
  column.replace(/_([a-z0-9])/g, (_, c: string) => c.toUpperCase());
