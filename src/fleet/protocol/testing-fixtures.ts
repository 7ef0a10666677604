/**
 * Where the captured miner replies live for tests. test/fixtures/miner-responses/ is the copy
 * inside the repository; until it exists, tests read the shared originals next to it.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), '../../..');
const candidates = [
  join(repoRoot, 'test/fixtures/miner-responses'),
  resolve(repoRoot, '../shared/data/miner-responses'),
];

export const FIXTURES_DIR = candidates.find((dir) => existsSync(dir)) ?? candidates[0]!;

/** Every raw reply file (not the SOURCES.md that describes them). */
export function fixtureNames(): string[] {
  return readdirSync(FIXTURES_DIR)
    .filter((name) => name.endsWith('.json') || name.endsWith('.txt'))
    .sort();
}

export function readFixture(name: string): string {
  return readFileSync(join(FIXTURES_DIR, name), 'utf8');
}
