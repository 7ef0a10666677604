import type { z } from 'zod';
import { AppError } from '../kernel/errors.js';
import '../kernel/zod-messages.js';

/** Parses CLI input with the same zod schema as the HTTP route, so both say the same thing. */
export function parseInput<S extends z.ZodType>(schema: S, value: unknown): z.output<S> {
  const result = schema.safeParse(value);
  if (result.success) return result.data;
  const issue = result.error.issues[0]!;
  const field = issue.path.map(String).join('.') || 'input';
  throw new AppError('invalid', 'invalid', `${field}: ${issue.message}`, field);
}

/** The options a command defined for its input, without undefined ones and without CLI plumbing. */
export function pickOptions(
  opts: Record<string, unknown>,
  fields: readonly string[],
): Record<string, unknown> {
  return Object.fromEntries(fields.filter((f) => opts[f] !== undefined).map((f) => [f, opts[f]]));
}
