import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { ownerOf, takeOwnership } from './owner-lock.js';
import { thisProcessStarted } from './process.js';

describe('the owner of a data directory', () => {
  const dir = mkdtempSync(join(tmpdir(), 'hf-owner-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  const left = (owner: object) => writeFileSync(join(dir, 'owner.json'), JSON.stringify(owner));

  it('is the live process that took it', () => {
    const release = takeOwnership(dir, 'catalog');
    expect(ownerOf(dir)).toMatchObject({ pid: process.pid, command: 'catalog' });
    release();
    expect(ownerOf(dir)).toBeUndefined();
  });

  it('is nobody when what a killed serve left names a dead pid, or a pid reused since', () => {
    left({ pid: 2 ** 22 + 7, started: Date.now() - 60_000, command: 'serve', socket: true });
    expect(ownerOf(dir)).toBeUndefined();
    // A restarted container: the new serve has the old one's pid (1, say), and it is alive.
    left({ pid: process.pid, started: thisProcessStarted() - 60_000, command: 'serve', socket: true });
    expect(ownerOf(dir)).toBeUndefined();
    const release = takeOwnership(dir, 'serve');
    expect(ownerOf(dir)).toMatchObject({ pid: process.pid, started: thisProcessStarted() });
    release();
  });
});
