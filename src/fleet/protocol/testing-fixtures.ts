/** The captured miner replies tests read: test/fixtures/miner-responses/ (SOURCES.md says whose). */
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

export const FIXTURES_DIR = resolve(
  dirname(fileURLToPath(import.meta.url)),
  '../../../test/fixtures/miner-responses',
);

/** Every raw reply file (not the SOURCES.md that describes them). */
export function fixtureNames(): string[] {
  return readdirSync(FIXTURES_DIR)
    .filter((name) => name.endsWith('.json') || name.endsWith('.txt'))
    .sort();
}

export function readFixture(name: string): string {
  return readFileSync(join(FIXTURES_DIR, name), 'utf8');
}
