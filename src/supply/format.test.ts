import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { formatCount } from './format.js';

describe('formatCount', () => {
  it('groups thousands like en-US', () => {
    expect(formatCount(0)).toBe('0');
    expect(formatCount(999)).toBe('999');
    expect(formatCount(1000)).toBe('1,000');
    expect(formatCount(-1234567)).toBe('-1,234,567');
    fc.assert(
      fc.property(
        fc.integer().map((n) => n + 0),
        (n) => formatCount(n) === n.toLocaleString('en-US'),
      ),
    );
  });
});
