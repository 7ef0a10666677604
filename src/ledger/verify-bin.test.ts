/**
 * The acceptance's last step as a user runs it: the installed `hashforge ledger verify`, a process
 * of its own, on a database this test fills through the services (a small book). No difference on
 * the healthy book; after an UPDATE by hand on a projection table, the row named and exit 3. On the
 * embedded database (a data directory the test closes before the command opens it) or, with
 * DATABASE_URL, on the server.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type RawBuilder, sql } from 'kysely';
import { afterAll, describe, expect, it } from 'vitest';
import { openDatabase } from '../db/db.js';
import { runBin } from '../testing/cli.js';
import { appOver, migratedDataDir, type TestApp, testApp, testConfig } from '../testing/index.js';
import { withDatabase } from '../testing/server-clone.js';
import { smallBook } from './test-fixtures.js';

/** A filled database, how the command reaches it, and a way to change it by hand. */
interface Filled {
  env: Record<string, string>;
  byHand(statement: RawBuilder<unknown>): Promise<void>;
  close(): Promise<void>;
}

const dirs: string[] = [];
afterAll(() => {
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
});

/** An embedded database in a data directory: closed once filled, as the command must open it alone. */
async function filledDataDir(): Promise<Filled> {
  const root = mkdtempSync(join(tmpdir(), 'hf-verify-bin-'));
  dirs.push(root);
  const dataDir = join(root, 'data');
  await migratedDataDir(dataDir);
  const open = async () => {
    const opened = await openDatabase({ kind: 'embedded', dataDir });
    return appOver(opened.db, opened.close);
  };
  const app = await open();
  await smallBook(app);
  await app.close();
  return {
    env: { HASHFORGE_DATA_DIR: dataDir, DATABASE_URL: '' },
    byHand: async (statement) => {
      const again = await open();
      try {
        await statement.execute(again.db);
      } finally {
        await again.close();
      }
    },
    close: async () => {},
  };
}

/** A database of its own on the server: the command connects to it beside the test's own pool. */
async function filledServerDatabase(url: string): Promise<Filled> {
  const app: TestApp = await testApp();
  await smallBook(app);
  const { rows } = await sql<{ name: string }>`select current_database() as name`.execute(app.db);
  return {
    env: { DATABASE_URL: withDatabase(url, rows[0]!.name) },
    byHand: async (statement) => {
      await statement.execute(app.db);
    },
    close: () => app.close(),
  };
}

describe('hashforge ledger verify, the installed command', { timeout: 300_000 }, () => {
  it('finds no difference on a healthy book, and names a row changed by hand with exit 3', async () => {
    const db =
      testConfig.database.kind === 'server'
        ? await filledServerDatabase(testConfig.database.url)
        : await filledDataDir();
    try {
      const healthy = runBin(['ledger', 'verify', '--json'], db.env);
      expect(healthy.status, healthy.stderr).toBe(0);
      const report = JSON.parse(healthy.stdout);
      expect(report).toMatchObject({ differenceCount: 0, differences: [], undeclared: [] });
      expect(report.tables.find((t: { table: string }) => t.table === 'sales_contracts')).toMatchObject({
        rows: 1,
      });

      await db.byHand(sql`update sales_contracts set paid_cents = paid_cents + 1 where id = 1`);
      const tampered = runBin(['ledger', 'verify'], db.env);
      expect(tampered.status, tampered.stderr).toBe(3);
      expect(tampered.stdout).toContain('1 difference(s):');
      expect(tampered.stdout).toContain(
        'sales_contracts id=1: paid_cents stored 270000001, rebuilt 270000000',
      );
      expect(tampered.stderr).toContain('replaying events'); // its progress
      expect(tampered.stderr).toMatch(/^error: 1 difference\(s\) between the stored tables/m);
    } finally {
      await db.close();
    }
  });
});
