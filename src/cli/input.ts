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

/** A record's number given as a command's argument (`sales pay 12`, `supply order out 3`). */
export function parseId(text: string | undefined, name: string): number {
  const id = Number(text);
  if (!/^\d+$/.test(text?.trim() ?? '') || !Number.isSafeInteger(id) || id <= 0)
    throw new AppError(
      'invalid',
      'invalid',
      `${name} must be a number such as 12, got "${text ?? ''}".`,
      name,
    );
  return id;
}
