import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { addProduct, listProducts } from '../catalog/service.js';
import { startWireServer } from '../db/socket-server.js';
import { modules } from '../modules.js';
import { migratedDataDir } from '../testing/index.js';
import { readConfig } from './config.js';
import { announce } from './owner-lock.js';
import { openContext } from './root.js';

describe('the composition root beside a running serve', { timeout: 120_000 }, () => {
  const root = mkdtempSync(join(tmpdir(), 'hf-root-'));
  const dataDir = join(root, 'data');
  const config = readConfig({ HASHFORGE_DATA_DIR: dataDir, LOG_LEVEL: 'silent' });
  afterAll(() => rmSync(root, { recursive: true, force: true }));

  it('reaches the embedded database through the socket serve announced, and sees its writes', async () => {
    // Migrated already, as by an earlier start: serve's first start migrating took most of the test.
    await migratedDataDir(dataDir);
    const serving = await openContext(config, { command: 'serve', modules });
    const stop = await startWireServer({ ...serving.database.embedded!, dir: dataDir });
    announce(dataDir, { socket: true });
    try {
      await addProduct(
        serving.ctx,
        { id: 'test', role: 'admin' },
        {
          kind: 'ai-chip',
          id: 'K210',
          name: 'Kendryte K210',
          family: 'K2',
          stage: 'mass-production',
          launchDate: null,
          tier: 'low-cost',
          tops: 1,
          processNm: 28,
          predecessor: null,
        },
      );
      const beside = await openContext(config, { command: 'catalog', modules });
      try {
        expect(beside.database.target).toMatchObject({ kind: 'socket', dir: dataDir });
        expect((await listProducts(beside.ctx, {})).map((p) => p.id)).toEqual(['K210']);
      } finally {
        await beside.close();
      }
    } finally {
      await stop();
      await serving.close();
    }
  });
});
