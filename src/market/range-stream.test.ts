/**
 * A listing of any size streams: `market range` over every day the CLI accepts (1900 to 2100,
 * 73,414 days) prints one valid JSON array (and a table) row by row, read from the database a page
 * at a time, in flat memory. Before, it built the whole array and its text. The printer itself is
 * shown with a million rows in src/cli/listing.test.ts.
 */
import { sql } from 'kysely';
import { describe, expect, it } from 'vitest';
import { addDays, daysBetween } from '../kernel/calendar.js';
import { toWireJson } from '../kernel/json.js';
import { cliSessionContext, freshCliEnv, runCli } from '../testing/cli.js';
import { describeDay, marketRange } from './service.js';

const FIRST = '1900-01-01';
const LAST = '2100-12-31';
const DAYS = daysBetween(FIRST, LAST) + 1;
const TABLE_DAYS = DAYS;
const MB = 1024 * 1024;

/** A row as --json prints it. */
const toWire = (row: object) => JSON.parse(toWireJson(row)) as Record<string, unknown>;

describe('market range, streamed', () => {
  const env = freshCliEnv();

  it('prints what the whole array printed at once would, and (none) or [] for no days', async () => {
    const ctx = await cliSessionContext(env);
    await sql`
      insert into market_days (day, btc_usd, difficulty, fees_per_block_sats)
      values ('2021-01-01', 2900000, 18.6e12, 2500000), ('2021-01-02', 3200000, 18.6e12, 3100000)`.execute(
      ctx.db,
    );
    const days = (await marketRange(ctx, '2021-01-01', '2021-01-31')).map(describeDay);
    const r = await runCli(['market', 'range', '--from', '2021-01-01', '--to', '2021-01-31', '--json'], env);
    expect(r.stdout).toBe(`${toWireJson(days, 2)}\n`);
    const none = ['market', 'range', '--from', '2020-01-01', '--to', '2020-01-31'];
    expect((await runCli([...none, '--json'], env)).stdout).toBe('[]\n');
    expect((await runCli(none, env)).stdout).toBe('(none)\n');
    const csv = await runCli(['market', 'range', '--from', '2021-01-01', '--to', '2021-01-31', '--csv'], env);
    expect(csv.stdout.split('\r\n')).toEqual([
      Object.keys(toWire(days[0]!)).join(','),
      ...days.map((d) => Object.values(toWire(d)).join(',')),
      '',
    ]);
  });
});

describe('market range over every day there can be', { timeout: 180_000 }, () => {
  const env = freshCliEnv();

  it('prints them as a valid JSON array, and a table, row by row in flat memory', async () => {
    const ctx = await cliSessionContext(env);
    const inserting = performance.now();
    await sql`
      insert into market_days (day, btc_usd, difficulty, fees_per_block_sats)
      select date '1900-01-01' + i, 100000 + i % 5000, 1e12 + i, 1000 + i % 7
      from generate_series(0, ${DAYS - 1}) as i`.execute(ctx.db);

    const insertSeconds = (performance.now() - inserting) / 1000;
    const memory = memoryWatch();
    const json = jsonArrayReader();
    let started = performance.now();
    const r = await runCli(['market', 'range', '--from', FIRST, '--to', LAST, '--json'], env, {
      stdout: (text) => {
        json.read(text);
        memory.sample();
      },
    });
    expect(r.status, r.stderr).toBe(0);
    const { elements, first, last } = json.end();
    expect(elements).toBe(DAYS);
    expect(first).toMatchObject({ day: FIRST, btcUsd: '100000', difficulty: 1e12 });
    expect(first.hashpriceUsdPerThDay).toBeTypeOf('number');
    expect(last).toMatchObject({ day: LAST });
    const jsonSeconds = (performance.now() - started) / 1000;
    const jsonGrowth = memory.growth();

    const textMemory = memoryWatch();
    let lines = 0;
    let rest = '';
    started = performance.now();
    const t = await runCli(
      ['market', 'range', '--from', FIRST, '--to', addDays(FIRST, TABLE_DAYS - 1)],
      env,
      {
        stdout: (text) => {
          const parts = (rest + text).split('\n');
          rest = parts.pop()!;
          if (lines === 0) expect(parts[0]).toMatch(/^\s*day\s+BTC\/USD\s+difficulty\s+hashprice \$\/TH\/d$/);
          lines += parts.length;
          textMemory.sample();
        },
      },
    );
    expect(t.status, t.stderr).toBe(0);
    expect(rest).toBe('');
    expect(lines).toBe(TABLE_DAYS + 2); // the header, its underline, a line a day
    const textSeconds = (performance.now() - started) / 1000;
    const textGrowth = textMemory.growth();

    // The whole array held as objects and text would be well over a gigabyte.
    expect(jsonGrowth.heapMb).toBeLessThan(150);
    expect(textGrowth.heapMb).toBeLessThan(150);
    console.info(
      `${DAYS} days (inserted in ${insertSeconds.toFixed(1)} s): --json ${jsonSeconds.toFixed(1)} s, heap +${jsonGrowth.heapMb} MB, rss +${jsonGrowth.rssMb} MB at most; table of ${TABLE_DAYS} ${textSeconds.toFixed(1)} s, heap +${textGrowth.heapMb} MB, rss +${textGrowth.rssMb} MB`,
    );
  });
});

/** The largest growth of the heap and the resident set over their values when it was made. */
function memoryWatch() {
  const base = process.memoryUsage();
  let heap = 0;
  let rss = 0;
  return {
    sample() {
      const m = process.memoryUsage();
      heap = Math.max(heap, m.heapUsed - base.heapUsed);
      rss = Math.max(rss, m.rss - base.rss);
    },
    growth: () => ({ heapMb: Math.round(heap / MB), rssMb: Math.round(rss / MB) }),
  };
}

/**
 * Checks a pretty-printed JSON array as it arrives, keeping one element at a time: `[`, then each
 * element from its `  {` line to its `  }` line, then `]`. Every element is parsed.
 */
function jsonArrayReader() {
  let rest = '';
  let opened = false;
  let closed = false;
  let element: string[] | undefined;
  let elements = 0;
  // biome-ignore lint/suspicious/noExplicitAny: the elements are checked by the assertions
  let first: any;
  // biome-ignore lint/suspicious/noExplicitAny: as above
  let last: any;
  const line = (l: string) => {
    if (closed) throw new Error(`text after the array: ${l}`);
    if (!opened) {
      if (l !== '[') throw new Error(`the output opens with ${l}`);
      opened = true;
    } else if (element === undefined) {
      if (l === ']') closed = true;
      else if (l === '  {') element = ['{'];
      else throw new Error(`an element opens with ${l}`);
    } else if (l === '  }' || l === '  },') {
      element.push('}');
      last = JSON.parse(element.join('\n'));
      if (elements === 0) first = last;
      else if (!(last.day > prevDay)) throw new Error(`${last.day} after ${prevDay}`);
      prevDay = last.day;
      elements++;
      element = undefined;
    } else element.push(l);
  };
  let prevDay = '';
  return {
    read(text: string) {
      const parts = (rest + text).split('\n');
      rest = parts.pop()!;
      for (const l of parts) line(l);
    },
    end() {
      if (rest !== '' || !closed) throw new Error('the array is not closed');
      return { elements, first, last };
    },
  };
}
