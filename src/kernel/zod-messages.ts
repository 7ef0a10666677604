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

z.config({
  customError: (issue) => {
    if (issue.code === 'invalid_value') return `must be one of ${issue.values.map(String).join(', ')}`;
    if (issue.code !== 'invalid_type') return undefined;
    if (issue.input === undefined) return 'is required';
    return WHAT[issue.expected];
  },
});
