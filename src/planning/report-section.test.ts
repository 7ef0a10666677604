/** The Outlook's chance of a guidance range: the share of paths inside it, either end open. */
import { describe, expect, it } from 'vitest';
import { chanceWithin } from './report-section.js';

describe('the chance of meeting guidance', () => {
  const values = Float64Array.from([1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
  it('counts the paths within the range, ends included', () => {
    expect(chanceWithin(values, 3, 7)).toBe(0.5);
    expect(chanceWithin(values, 11, 20)).toBe(0);
  });
  it('leaves an end open when the guidance gives none', () => {
    expect(chanceWithin(values, null, 2)).toBe(0.2);
    expect(chanceWithin(values, 9, null)).toBe(0.2);
    expect(chanceWithin(new Float64Array(0), 1, 2)).toBe(0);
  });
});
