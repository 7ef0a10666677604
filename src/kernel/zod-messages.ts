/**
 * Zod's own wording for a missing or mistyped value ("Invalid input: expected number, received
 * NaN") names types, not what the user should write. Every boundary (HTTP and CLI) imports this
 * module, which words those cases as the rest of our errors are worded; a schema's own message,
 * where it gives one, still wins.
 */
import { z } from 'zod';

const WHAT: Record<string, string> = {
  number: 'must be a number',
  int: 'must be a whole number',
  string: 'must be text',
  boolean: 'must be true or false',
  array: 'must be a list',
  object: 'must be an object',
};

/** "must be at least 3 characters", "must be at most 100", "needs at least 1 item". */
function bound(side: 'least' | 'most', origin: string, limit: number | bigint, inclusive: boolean): string {
  if (origin === 'string') {
    return side === 'least' && Number(limit) === 1
      ? 'must not be empty'
      : `must be at ${side} ${limit} characters`;
  }
  if (origin === 'array' || origin === 'set')
    return `needs at ${side} ${limit} item${Number(limit) === 1 ? '' : 's'}`;
  if (!inclusive) return `must be ${side === 'least' ? 'more' : 'less'} than ${limit}`;
  return `must be at ${side} ${limit}`;
}

z.config({
  customError: (issue) => {
    if (issue.code === 'invalid_value') return `must be one of ${issue.values.map(String).join(', ')}`;
    if (issue.code === 'too_small')
      return bound('least', issue.origin, issue.minimum, issue.inclusive ?? true);
    if (issue.code === 'too_big') return bound('most', issue.origin, issue.maximum, issue.inclusive ?? true);
    if (issue.code !== 'invalid_type') return undefined;
    if (issue.input === undefined) return 'is required';
    return WHAT[issue.expected];
  },
});
