import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { AppError } from '../kernel/errors.js';
import { parseMarketCsv, readCsv } from './csv.js';

describe('readCsv', () => {
  it('reads quoted fields, doubled quotes, CRLF and line breaks inside quotes', () => {
    const text = 'a,b,c\r\n"x, y","say ""hi""",3\r\n"two\nlines",,\n';
    expect(readCsv(text)).toEqual([
      { line: 1, fields: ['a', 'b', 'c'] },
      { line: 2, fields: ['x, y', 'say "hi"', '3'] },
      { line: 3, fields: ['two\nlines', '', ''] },
    ]);
  });
  it('skips blank lines but keeps their count, drops a BOM, and reads a last line without a newline', () => {
    expect(readCsv('\uFEFFh\n\n1\r\n\r\n2')).toEqual([
      { line: 1, fields: ['h'] },
      { line: 3, fields: ['1'] },
      { line: 5, fields: ['2'] },
    ]);
    expect(readCsv('')).toEqual([]);
    expect(readCsv('""\n')).toEqual([{ line: 1, fields: [''] }]);
  });
  it('refuses an unclosed quote, naming the line', () => {
    expect(() => readCsv('a\n"open,1\n2')).toThrow(/Line 2 opens a quoted field that is never closed/);
  });
});

describe('parseMarketCsv', () => {
  it('reads every row of the shipped btc_daily.csv', () => {
    const text = readFileSync(new URL('../../data/market/btc_daily.csv', import.meta.url), 'utf8');
    const { rows, rejected } = parseMarketCsv(text);
    expect(rejected).toEqual([]);
    expect(rows.length).toBe(text.trim().split('\n').length - 1);
    expect(rows.length).toBeGreaterThan(5000);
    expect(rows[0]).toEqual({
      day: '2012-01-01',
      btcUsd: 529n,
      difficulty: 1_159_929,
      feesPerBlockSats: 2_251_000n,
    });
    const january = rows.find((r) => r.day === '2021-01-15');
    expect(january).toEqual({
      day: '2021-01-15',
      btcUsd: 3_671_032n,
      difficulty: 20_607_418_304_386,
      feesPerBlockSats: 94_367_000n,
    });
    for (let i = 1; i < rows.length; i++) expect(rows[i - 1]!.day < rows[i]!.day).toBe(true);
  });

  it('reads the user format, with and without spot prices', () => {
    const text = [
      'date,btc_usd,difficulty,fees_per_block_btc,spot_usd_per_th',
      '2021-01-16,"$36,000.50",20607418304386,0.5,85',
      '2021-01-15,36710.32,2.0607418304386e13,0.94367,',
      '2021-01-17,35000.125,20607418304386.5,0.123456789,$95.555',
    ].join('\r\n');
    const { rows, rejected } = parseMarketCsv(text);
    expect(rejected).toEqual([]);
    expect(rows).toEqual([
      {
        day: '2021-01-15',
        btcUsd: 3_671_032n,
        difficulty: 20_607_418_304_386,
        feesPerBlockSats: 94_367_000n,
      },
      {
        day: '2021-01-16',
        btcUsd: 3_600_050n,
        difficulty: 20_607_418_304_386,
        feesPerBlockSats: 50_000_000n,
        spotUsdPerTh: 8500n,
      },
      // price and spot rounded half-even to the cent, fees to the satoshi
      {
        day: '2021-01-17',
        btcUsd: 3_500_012n,
        difficulty: 20_607_418_304_386.5,
        feesPerBlockSats: 12_345_679n,
        spotUsdPerTh: 9556n,
      },
    ]);
  });

  it('accepts headers in any case and order, ignoring other columns', () => {
    const { rows } = parseMarketCsv(
      'Fees_Per_Block_BTC,note,Difficulty,DATE,BTC_USD\n0,hello,1,2012-01-01,5\n',
    );
    expect(rows).toEqual([{ day: '2012-01-01', btcUsd: 500n, difficulty: 1, feesPerBlockSats: 0n }]);
  });

  it('rejects bad rows with line, field and reason, and keeps the good ones', () => {
    const text = [
      'date,btc_usd,difficulty,fees_per_block_btc,spot_usd_per_th',
      '2021-01-15,36710.32,20607418304386,0.94,80', // 2 good
      '2021-02-30,36710.32,20607418304386,0.94,', // 3 no such day
      '2021-01-16,0,20607418304386,0.94,', // 4 price not positive
      '2021-01-17,-5,0,-0.1,', // 5 three problems
      '2021-01-15,36000,20607418304386,0.94,', // 6 duplicate
      '2021-01-18,abc,lots,x,-3', // 7 not numbers
      '2021-01-19,36000,20607418304386', // 8 short row
      '2021-01-20,36000,20607418304386,0.94,', // 9 good
    ].join('\n');
    const { rows, rejected } = parseMarketCsv(text);
    expect(rows.map((r) => r.day)).toEqual(['2021-01-15', '2021-01-20']);
    expect(rejected.map((r) => `${r.line}:${r.field}`)).toEqual([
      '3:date',
      '4:btc_usd',
      '5:btc_usd',
      '5:difficulty',
      '5:fees_per_block_btc',
      '6:date',
      '7:btc_usd',
      '7:difficulty',
      '7:fees_per_block_btc',
      '7:spot_usd_per_th',
      '8:fees_per_block_btc',
    ]);
    const reason = (line: number, field: string) =>
      rejected.find((r) => r.line === line && r.field === field)!.reason;
    expect(reason(3, 'date')).toMatch(/^date must be a calendar date from 1900 on, written YYYY-MM-DD/);
    expect(reason(4, 'btc_usd')).toBe('btc_usd must be more than zero dollars, got "0".');
    expect(reason(5, 'difficulty')).toMatch(/^difficulty must be a positive number/);
    expect(reason(5, 'fees_per_block_btc')).toMatch(/cannot be negative/);
    expect(reason(6, 'date')).toBe('2021-01-15 already appears on line 2.');
    expect(reason(7, 'spot_usd_per_th')).toMatch(/^spot_usd_per_th must be more than zero dollars/);
    expect(reason(8, 'fees_per_block_btc')).toMatch(/^fees_per_block_btc must be an amount of BTC/);
  });

  it('refuses a file whose header lacks a needed column, or an empty file', () => {
    const refuse = (text: string) => {
      try {
        parseMarketCsv(text);
      } catch (error) {
        if (error instanceof AppError) return error;
      }
      throw new Error('expected an AppError');
    };
    const noPrice = refuse('date,difficulty,fees_per_block_btc\n2021-01-15,1,0\n');
    expect(noPrice.code).toBe('invalid.csv');
    expect(noPrice.message).toMatch(/lacks the column btc_usd or price_usd;/);
    expect(refuse('date,price\n').message).toMatch(
      /lacks the columns btc_usd or price_usd, difficulty, fees_per_block_btc/,
    );
    expect(refuse('').message).toMatch(/The market file is empty/);
  });
});
