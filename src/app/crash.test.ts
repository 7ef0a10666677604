/**
 * kill -9 on the embedded database, then a restart: the data directory opens, every write that was
 * acknowledged is there, an import is all or nothing, and what the dead process left in the data
 * directory (owner.json, serve's socket) does not stop the next one. Real processes, loopback only.
 */
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it, onTestFinished } from 'vitest';
import { readLocalAdminToken } from '../auth/local-admin.js';
import { socketPath } from '../db/socket-server.js';
import { type BinProcess, runBinAsync, startBin, stopStarted, tempDataDir } from '../testing/processes.js';

const CUSTOMERS = 10_000;

describe('a crash of the process holding the embedded database', { timeout: 60_000 }, () => {
  let data: Awaited<ReturnType<typeof tempDataDir>>;
  beforeAll(async () => {
    data = await tempDataDir('hf-crash-');
  });
  // A test that fails before its own kill leaves no serve or import running on into the next one.
  afterEach(stopStarted);
  afterAll(() => data.remove());

  /** Every customer's name, a page of 5,000 at a time. */
  const customerNames = async (): Promise<string[]> => {
    const names: string[] = [];
    for (let after = 0; ; ) {
      const list = await runBinAsync(data.dir, [
        'sales',
        'customer',
        'list',
        '--json',
        '--limit',
        '5000',
        '--after',
        String(after),
      ]);
      expect(list.status, list.stderr).toBe(0);
      const page = JSON.parse(list.stdout) as { id: number; name: string }[];
      names.push(...page.map((c) => c.name));
      if (page.length < 5000) return names;
      after = page.at(-1)!.id;
    }
  };

  it('in the middle of an import leaves none of it, and the next import runs', async () => {
    const file = customersFile(data.dir, 'Imported Mining', CUSTOMERS);

    const importing = startBin(data.dir, ['sales', 'import', file]);
    // Printed once every row is decided: the events are being written, inside the import's one
    // transaction, when the process dies.
    await importing.waitFor(/checking rows: \d+ done/);
    await importing.crash();
    expect(importing.stdout()).toBe('');
    expect(JSON.parse(readFileSync(join(data.dir, 'owner.json'), 'utf8'))).toMatchObject({
      pid: importing.child.pid,
    });

    expect(await customerNames()).toEqual([]);
    const again = await runBinAsync(data.dir, ['sales', 'import', file, '--json']);
    expect(again.status, again.stderr).toBe(0);
    expect(JSON.parse(again.stdout)).toMatchObject({ customers: CUSTOMERS });
  });

  it('under concurrent writes to serve keeps every acknowledged one, and serve starts again', async () => {
    const serving = await startServe(data.dir);
    const { url, token } = serving;
    const acknowledged: string[] = [];
    let stop = false;
    // Failed before its kill below, the writers would go on posting (to a dead server, at once
    // refused: a loop) through the rest of the worker's files.
    onTestFinished(() => {
      stop = true;
    });
    let sent = 0;
    const writer = async () => {
      while (!stop) {
        const name = `Posted Mining ${sent++}`;
        const res = await fetch(`${url}/api/sales/customers`, {
          method: 'POST',
          headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
          body: JSON.stringify({ name, country: 'US', region: 'north-america' }),
        }).catch(() => undefined); // the server died under it: not acknowledged
        if (res?.ok) acknowledged.push(name);
        await res?.arrayBuffer().catch(() => undefined);
      }
    };
    const writers = Array.from({ length: 8 }, writer);
    const acknowledgedAtLeast = async (n: number) => {
      while (!stop && acknowledged.length < n) await new Promise((r) => setTimeout(r, 20));
    };
    await acknowledgedAtLeast(20);

    // An import beside serve, through its socket, killed inside its transaction: serve rolls it
    // back when the connection drops and goes on answering.
    const file = customersFile(data.dir, 'Socket Mining', 5_000);
    const importing = startBin(data.dir, ['sales', 'import', file]);
    await importing.waitFor(/checking rows: \d+ done/);
    await importing.crash();
    const before = acknowledged.length;
    await acknowledgedAtLeast(before + 20);

    await serving.process.crash();
    stop = true;
    await Promise.all(writers);
    expect(sent).toBeGreaterThan(acknowledged.length); // some were in flight at the kill
    console.info(`serve killed with ${acknowledged.length} of ${sent} POSTs acknowledged`);

    // Its owner.json and socket are still there, naming a dead process.
    expect(JSON.parse(readFileSync(join(data.dir, 'owner.json'), 'utf8'))).toMatchObject({ socket: true });
    expect(existsSync(socketPath(data.dir))).toBe(true);

    const names = new Set(await customerNames());
    expect(acknowledged.filter((n) => !names.has(n))).toEqual([]);
    expect([...names].filter((n) => n.startsWith('Imported ')).length).toBe(CUSTOMERS);
    expect([...names].filter((n) => n.startsWith('Socket '))).toEqual([]);

    const restarted = await startServe(data.dir);
    try {
      const res = await fetch(`${restarted.url}/api/sales/customers`, {
        headers: { authorization: `Bearer ${restarted.token}` },
      });
      expect(res.status).toBe(200);
      // A command beside the new serve reaches it through its new socket.
      const beside = await runBinAsync(data.dir, [
        'sales',
        'customer',
        'list',
        '--country',
        'US',
        '--limit',
        '5000',
        '--json',
      ]);
      expect(beside.status, beside.stderr).toBe(0);
      expect((JSON.parse(beside.stdout) as unknown[]).length).toBe(names.size - CUSTOMERS);
    } finally {
      restarted.process.child.kill('SIGTERM');
      await restarted.process.exited;
    }
  });
});

/** A sales import file of `count` new customers named `prefix 0`, `prefix 1`, … */
function customersFile(dataDir: string, prefix: string, count: number): string {
  const file = join(dataDir, '..', `${prefix.replace(/\W/g, '-')}.ndjson`);
  const rows = Array.from({ length: count }, (_, i) =>
    JSON.stringify({ type: 'customer', name: `${prefix} ${i}`, country: 'SG', region: 'asia-pacific' }),
  );
  writeFileSync(file, `${rows.join('\n')}\n`);
  return file;
}

async function startServe(dataDir: string): Promise<{ process: BinProcess; url: string; token: string }> {
  const p = startBin(dataDir, ['serve'], { PORT: '0', HASHFORGE_DEMO_MINERS: '0' });
  const [, url] = await p.waitFor(/HashForge is up at (http:\/\/\S+?) /);
  // Printed only by the start that made it; kept in the data directory for every start.
  return { process: p, url: url!.replace('localhost', '127.0.0.1'), token: readLocalAdminToken(dataDir) };
}
