import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { MinerClient } from './client.js';
import { normalise } from './telemetry.js';

const MAIN = fileURLToPath(new URL('./simulator-main.ts', import.meta.url));

describe('simulator-main', () => {
  it('spreads a fleet over processes, serves every address the same way, and stops on SIGTERM', async () => {
    const child = spawn(
      process.execPath,
      [
        '--import',
        import.meta.resolve('tsx'),
        MAIN,
        ...[
          '--count',
          '300',
          '--per-process',
          '100',
          '--base',
          '127.94.200.1',
          '--fault-rate',
          '0.1',
          '--seed',
          '3',
          '--json',
        ],
      ],
      { stdio: ['ignore', 'pipe', 'pipe'] },
    );
    let stdout = '';
    let stderr = '';
    child.stderr.on('data', (d) => {
      stderr += d;
    });
    const ready = await new Promise<{
      count: number;
      faulty: Record<string, string>;
      faults: Record<string, number>;
    }>((resolve, reject) => {
      child.stdout.on('data', (d) => {
        stdout += d;
        if (stdout.includes('\n')) resolve(JSON.parse(stdout));
      });
      child.once('exit', (code) => reject(new Error(`exited ${code}: ${stderr}`)));
    });
    try {
      expect(stderr).toContain('300 miners need 3 processes (at most 100 listeners each)');
      expect(stderr).toContain('bound 300/300 miners');
      expect(ready.count).toBe(300);
      const faulty = Object.keys(ready.faulty).length;
      expect(faulty).toBeGreaterThan(10);
      expect(faulty).toBeLessThan(60);

      const client = new MinerClient({ retries: 0, readTimeoutMs: 5000 });
      // The last miner lives in the third process; its identity follows from its global index.
      const last = '127.94.201.44:4028';
      const reply = await client.command(last, 'version');
      expect(reply.ok).toBe(true);
      if (reply.ok) expect(normalise(reply).dna).toMatch(/^0201[0-9a-f]{6}00012b$/); // index 299 = 0x12b
      const healthy = ['127.94.200.1:4028', '127.94.200.150:4028', last].filter((a) => !ready.faulty[a]);
      for (const address of healthy) expect((await client.command(address, 'summary')).ok).toBe(true);
    } finally {
      child.kill('SIGTERM');
      await new Promise((resolve) => child.once('exit', resolve));
    }
    const after = await new MinerClient({ retries: 0 }).command('127.94.201.44:4028', 'version');
    expect(after.ok ? 'ok' : after.failure).toBe('refused');
  }, 60_000);
});
