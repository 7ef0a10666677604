import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  addDays,
  addMonths,
  addQuarters,
  dayOf,
  dayRange,
  daysBetween,
  daysInMonth,
  firstDayOfMonth,
  firstDayOfQuarter,
  lastDayOfMonth,
  lastDayOfQuarter,
  monthOf,
  monthRange,
  monthsBetween,
  parseDay,
  parseMonth,
  parseQuarter,
  quarterMonths,
  quarterOf,
  quarterRange,
  quartersBetween,
  quartersOfYear,
  todayUtc,
  yearOf,
} from './calendar.js';
import { AppError } from './errors.js';

function thrown(fn: () => unknown): AppError {
  try {
    fn();
  } catch (error) {
    if (error instanceof AppError) return error;
    throw error;
  }
  throw new Error('expected an AppError');
}

describe('parsing', () => {
  it('accepts real calendar days, including leap days', () => {
    expect(parseDay('2021-03-15', 'day')).toBe('2021-03-15');
    expect(parseDay(' 2020-02-29 ', 'day')).toBe('2020-02-29');
    expect(parseDay('2000-02-29', 'day')).toBe('2000-02-29');
    expect(parseDay('2021-12-31', 'day')).toBe('2021-12-31');
  });
  it('refuses days that do not exist, with the field and code', () => {
    for (const bad of [
      '2021-02-29',
      '1900-02-29',
      '2021-02-30',
      '2021-04-31',
      '2021-13-01',
      '2021-00-10',
      '2021-01-00',
      '2021-1-5',
      '20210105',
      '',
      'today',
      '2021-01-01T00:00:00Z',
      '0000-01-01', // no year 0; PostgreSQL refuses it, so must we
      '1899-12-31',
    ]) {
      const error = thrown(() => parseDay(bad, 'deliveries.0.day'));
      expect(error.code).toBe('invalid.day');
      expect(error.field).toBe('deliveries.0.day');
      expect(error.message).toMatch(
        /^deliveries\.0\.day must be a calendar date from 1900 on, written YYYY-MM-DD/,
      );
    }
  });
  it('refuses dates past 2100 as typos, in words of their own', () => {
    expect(parseDay('2100-12-31', 'day')).toBe('2100-12-31');
    for (const [parse, text, words] of [
      [parseDay, '9999-12-31', 'date must be a day up to 2100-12-31, got "9999-12-31".'],
      [parseMonth, '2101-01', 'date must be a month up to 2100-12, got "2101-01".'],
      [parseQuarter, '3000Q1', 'date must be a quarter up to 2100Q4, got "3000Q1".'],
    ] as const) {
      const error = thrown(() => parse(text, 'date'));
      expect(error.field).toBe('date');
      expect(error.message).toBe(words);
    }
  });
  it('parses months', () => {
    expect(parseMonth('2021-03', 'month')).toBe('2021-03');
    expect(parseMonth('2021-12', 'month')).toBe('2021-12');
    for (const bad of ['2021-13', '2021-00', '2021-3', '2021-03-01', '202103', '', '0000-01']) {
      const error = thrown(() => parseMonth(bad, 'from'));
      expect(error.code).toBe('invalid.month');
      expect(error.field).toBe('from');
      expect(error.message).toMatch(/^from must be a month from 1900 on, written YYYY-MM/);
    }
  });
  it('parses quarters, upper-casing the Q', () => {
    expect(parseQuarter('2020Q4', 'quarter')).toBe('2020Q4');
    expect(parseQuarter('2020q4', 'quarter')).toBe('2020Q4');
    for (const bad of ['2020Q5', '2020Q0', '2020-Q4', 'Q4 2020', '20Q4', '', '0000Q1']) {
      const error = thrown(() => parseQuarter(bad, 'quarter'));
      expect(error.code).toBe('invalid.quarter');
      expect(error.field).toBe('quarter');
      expect(error.message).toMatch(/^quarter must be a quarter from 1900 on, written YYYYQn/);
    }
  });
});

describe('days', () => {
  it('takes the UTC day of an instant', () => {
    expect(dayOf(new Date('2021-03-15T23:59:59.999Z'))).toBe('2021-03-15');
    expect(dayOf(new Date('2021-03-15T23:30:00-05:00'))).toBe('2021-03-16');
    expect(todayUtc(new Date('2020-12-31T00:00:00Z'))).toBe('2020-12-31');
  });
  it('adds days across month, year and leap boundaries', () => {
    expect(addDays('2020-02-28', 1)).toBe('2020-02-29');
    expect(addDays('2021-02-28', 1)).toBe('2021-03-01');
    expect(addDays('2020-12-31', 1)).toBe('2021-01-01');
    expect(addDays('2021-01-01', -1)).toBe('2020-12-31');
    expect(addDays('2021-03-15', 0)).toBe('2021-03-15');
    expect(addDays('2000-02-28', 1)).toBe('2000-02-29');
    expect(addDays('2100-02-28', 1)).toBe('2100-03-01');
    expect(addDays('1970-01-01', -1)).toBe('1969-12-31');
    expect(addDays('0050-03-01', -1)).toBe('0050-02-28'); // Date would read year 50 as 1950
  });
  it('counts days between', () => {
    expect(daysBetween('2021-01-01', '2021-01-31')).toBe(30);
    expect(daysBetween('2021-01-31', '2021-01-01')).toBe(-30);
    expect(daysBetween('2020-01-01', '2021-01-01')).toBe(366);
    expect(daysBetween('2021-01-01', '2022-01-01')).toBe(365);
    expect(daysBetween('2020-05-11', '2024-04-20')).toBe(1440);
  });
  it('agrees with Date.UTC for every day in 1900-2200', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: Date.UTC(1900, 0, 1) / 86_400_000, max: Date.UTC(2200, 0, 1) / 86_400_000 }),
        fc.integer({ min: -5000, max: 5000 }),
        (n, k) => {
          const day = dayOf(new Date(n * 86_400_000));
          expect(addDays('1970-01-01', n)).toBe(day);
          expect(daysBetween('1970-01-01', day)).toBe(n);
          expect(daysBetween(day, addDays(day, k))).toBe(k);
        },
      ),
    );
  });
  it('lists days, both ends included', () => {
    expect(dayRange('2020-02-27', '2020-03-01')).toEqual([
      '2020-02-27',
      '2020-02-28',
      '2020-02-29',
      '2020-03-01',
    ]);
    expect(dayRange('2021-01-01', '2021-01-01')).toEqual(['2021-01-01']);
    expect(dayRange('2021-01-02', '2021-01-01')).toEqual([]);
    expect(dayRange('2021-01-01', '2021-12-31')).toHaveLength(365);
  });
  it('refuses malformed days given to arithmetic', () => {
    expect(() => addDays('2021-02-30', 1)).toThrow(AppError);
    expect(() => daysBetween('2021-1-1', '2021-01-02')).toThrow(/not a calendar day/);
  });
});

describe('months', () => {
  it('takes the month and year of a day', () => {
    expect(monthOf('2021-03-15')).toBe('2021-03');
    expect(monthOf('2021-03')).toBe('2021-03');
    expect(yearOf('2021-03-15')).toBe(2021);
    expect(yearOf('2020Q4')).toBe(2020);
    expect(yearOf('2021-03')).toBe(2021);
    expect(() => yearOf('Q4')).toThrow(AppError);
  });
  it('adds months and counts them', () => {
    expect(addMonths('2020-11', 3)).toBe('2021-02');
    expect(addMonths('2021-01', -1)).toBe('2020-12');
    expect(addMonths('2021-01', -13)).toBe('2019-12');
    expect(addMonths('2021-06', 0)).toBe('2021-06');
    expect(addMonths('2020-12', 18)).toBe('2022-06');
    expect(monthsBetween('2020-11', '2021-02')).toBe(3);
    expect(monthsBetween('2021-02', '2020-11')).toBe(-3);
    expect(monthsBetween('2021-02', '2021-02')).toBe(0);
  });
  it('lists months, both ends included', () => {
    expect(monthRange('2020-11', '2021-02')).toEqual(['2020-11', '2020-12', '2021-01', '2021-02']);
    expect(monthRange('2021-02', '2021-02')).toEqual(['2021-02']);
    expect(monthRange('2021-03', '2021-02')).toEqual([]);
  });
  it('knows month lengths, leap Februaries included', () => {
    expect(daysInMonth('2020-02')).toBe(29);
    expect(daysInMonth('2021-02')).toBe(28);
    expect(daysInMonth('1900-02')).toBe(28);
    expect(daysInMonth('2000-02')).toBe(29);
    expect(daysInMonth('2021-04')).toBe(30);
    expect(daysInMonth('2021-12')).toBe(31);
    expect(firstDayOfMonth('2020-02')).toBe('2020-02-01');
    expect(lastDayOfMonth('2020-02')).toBe('2020-02-29');
    expect(lastDayOfMonth('2021-02')).toBe('2021-02-28');
    expect(lastDayOfMonth('2021-11')).toBe('2021-11-30');
    expect(() => firstDayOfMonth('2021-13')).toThrow(AppError);
  });
});

describe('quarters', () => {
  it('puts days and months in their quarter at the boundaries', () => {
    expect(quarterOf('2021-01-01')).toBe('2021Q1');
    expect(quarterOf('2021-03-31')).toBe('2021Q1');
    expect(quarterOf('2021-04-01')).toBe('2021Q2');
    expect(quarterOf('2021-06-30')).toBe('2021Q2');
    expect(quarterOf('2021-07')).toBe('2021Q3');
    expect(quarterOf('2020-12-31')).toBe('2020Q4');
    expect(quarterOf('2020-10')).toBe('2020Q4');
  });
  it('knows its months and days', () => {
    expect(quarterMonths('2020Q4')).toEqual(['2020-10', '2020-11', '2020-12']);
    expect(quarterMonths('2021Q1')).toEqual(['2021-01', '2021-02', '2021-03']);
    expect(firstDayOfQuarter('2021Q2')).toBe('2021-04-01');
    expect(lastDayOfQuarter('2021Q2')).toBe('2021-06-30');
    expect(lastDayOfQuarter('2020Q4')).toBe('2020-12-31');
    expect(lastDayOfQuarter('2024Q1')).toBe('2024-03-31');
    expect(daysBetween(firstDayOfQuarter('2020Q1'), lastDayOfQuarter('2020Q1'))).toBe(90); // leap Q1 has 91 days
  });
  it('adds, counts and lists quarters across years', () => {
    expect(addQuarters('2020Q4', 1)).toBe('2021Q1');
    expect(addQuarters('2021Q1', -1)).toBe('2020Q4');
    expect(addQuarters('2020Q4', 6)).toBe('2022Q2');
    expect(addQuarters('2021Q2', -9)).toBe('2019Q1');
    expect(quartersBetween('2020Q4', '2021Q2')).toBe(2);
    expect(quarterRange('2020Q3', '2021Q2')).toEqual(['2020Q3', '2020Q4', '2021Q1', '2021Q2']);
    expect(quarterRange('2021Q2', '2021Q1')).toEqual([]);
    expect(quartersOfYear(2021)).toEqual(['2021Q1', '2021Q2', '2021Q3', '2021Q4']);
  });
  it('compares in calendar order as plain strings', () => {
    expect('2020Q4' < '2021Q1').toBe(true);
    expect('2020-12' < '2021-01').toBe(true);
    expect('2020-12-31' < '2021-01-01').toBe(true);
  });
});
