import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { banner } from '../server.js';
import { runCli } from '../testing/cli.js';
import { type TestApp, testApp } from '../testing/index.js';
import { adminTokenFile, ensureLocalAdminToken } from './local-admin.js';
import { authenticate, revokeToken } from './tokens.js';

describe('the local admin token', () => {
  let app: TestApp;
  let dir: string;
  beforeAll(async () => {
    app = await testApp();
    dir = mkdtempSync(join(tmpdir(), 'hf-data-'));
  });
  afterAll(async () => {
    await app.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('is made once, kept readable by its owner only, and made anew only when revoked', async () => {
    const admin = app.actor('admin');
    const first = await ensureLocalAdminToken(app, admin, dir);
    expect(first.created).toBe(true);
    expect(statSync(adminTokenFile(dir)).mode & 0o777).toBe(0o600);
    expect(await authenticate(app, first.token)).toEqual({ id: 'token:local-admin', role: 'admin' });
    const again = await ensureLocalAdminToken(app, admin, dir);
    expect(again).toEqual({ token: first.token, created: false });
    const { id } = await app.db
      .selectFrom('api_tokens')
      .select('id')
      .where('name', '=', 'local-admin')
      .executeTakeFirstOrThrow();
    await revokeToken(app, admin, Number(id));
    const renewed = await ensureLocalAdminToken(app, admin, dir);
    expect(renewed.created).toBe(true);
    expect(renewed.token).not.toBe(first.token);
  });

  it('is printed by serve on the start that made it only; later starts say how to print it', () => {
    const at = { url: 'http://localhost:3000', dataDir: dir, rackOf: 0 };
    const first = banner({ ...at, adminToken: { token: 'hf_secret', created: true } });
    expect(first).toContain(
      'admin token (shown on the start that made it; `hashforge token` prints it again): hf_secret',
    );
    expect(first).toContain('Authorization: Bearer hf_secret');
    const later = banner({ ...at, adminToken: { token: 'hf_secret', created: false } });
    expect(later).not.toContain('hf_secret');
    expect(later).toContain(`admin token: kept in ${adminTokenFile(dir)}; \`hashforge token\` prints it`);
  });

  it('is printed by `hashforge token` and `hashforge token show` from the data directory', async () => {
    const { token } = await ensureLocalAdminToken(app, app.actor('admin'), dir);
    const bare = await runCli(['token'], { HASHFORGE_DATA_DIR: dir });
    expect(bare.status, bare.stderr).toBe(0);
    expect(bare.stdout).toBe(`${token}\n`);
    const json = await runCli(['token', 'show', '--json'], { HASHFORGE_DATA_DIR: dir });
    expect(JSON.parse(json.stdout)).toEqual({ token, file: adminTokenFile(dir) });
  });

  it('says how to get one where there is none, exiting 2', async () => {
    const empty = await runCli(['token'], { HASHFORGE_DATA_DIR: join(dir, 'nothing-here') });
    expect(empty.status).toBe(2);
    expect(empty.stderr).toBe(
      `error: There is no admin token in ${join(dir, 'nothing-here')} yet: hashforge serve makes one on its first start.\n`,
    );
    const server = await runCli(['token', 'show'], { DATABASE_URL: 'postgres://127.0.0.1:1/x' });
    expect(server.status).toBe(2);
    expect(server.stderr).toMatch(/^error: There is no local admin token on a PostgreSQL server/);
  });
});
