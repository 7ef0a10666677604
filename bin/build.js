// Compiles src/ to dist/ (one JavaScript file per TypeScript file, no bundling, so that each command
// still loads only the modules it imports) when dist/ is missing or older than the sources. The
// installed `hashforge` runs dist/: starting through tsx cost about a second and a half a command.
import { createHash } from 'node:crypto';
import {
  cpSync,
  existsSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  renameSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

export const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');
const SRC = join(ROOT, 'src');
export const DIST = join(ROOT, 'dist');
const STAMP = join(DIST, '.sources');

/** Every file the build reads: the sources but their tests, and the migrations it copies. */
function sources() {
  return readdirSync(SRC, { recursive: true })
    .map(String)
    .filter((f) => (f.endsWith('.ts') && !f.endsWith('.test.ts')) || f.endsWith('.sql'))
    .sort();
}

/** A fingerprint of the sources (names, sizes, times): a change to any of them means rebuild. */
function fingerprint(files) {
  const hash = createHash('sha256');
  for (const f of files) {
    const s = statSync(join(SRC, f));
    hash.update(`${f}\0${s.size}\0${s.mtimeMs}\n`);
  }
  return hash.digest('hex');
}

const LOCK = join(ROOT, '.dist-lock');
/** Longer than any build takes, even on a loaded machine: a lock this old was left by a killed build. */
const STALE_LOCK_MS = 120_000;

const current = (stamp) => existsSync(STAMP) && readFileSync(STAMP, 'utf8') === stamp;

/**
 * Builds dist/ unless it is current; returns whether it built. Several commands started at once
 * (two `serve` and the agents of one host) build one at a time: without that, the second to finish
 * removed the dist/ the first had just put in place and was loading from.
 */
export async function ensureBuilt() {
  const files = sources();
  const stamp = fingerprint(files);
  if (current(stamp)) return false;
  await takeLock();
  try {
    // Another command may have built these very sources while this one waited.
    if (current(stamp)) return false;
    await build(files, stamp);
    return true;
  } finally {
    rmSync(LOCK, { recursive: true, force: true });
  }
}

async function takeLock() {
  for (;;) {
    try {
      mkdirSync(LOCK);
      return;
    } catch (error) {
      if (error.code !== 'EEXIST') throw error;
      const age = Date.now() - (statSync(LOCK, { throwIfNoEntry: false })?.mtimeMs ?? Date.now());
      if (age > STALE_LOCK_MS) rmSync(LOCK, { recursive: true, force: true });
      else await new Promise((resolve) => setTimeout(resolve, 100));
    }
  }
}

/** How dist/ is compiled; the benches compile their own modules the same way to run them beside it. */
export const COMPILE = {
  format: 'esm',
  platform: 'node',
  target: 'node20',
  sourcemap: 'linked',
  logLevel: 'error',
};

async function build(files, stamp) {
  // Built beside dist/ and moved into place, so a command started meanwhile never sees half of it.
  const next = join(ROOT, `.dist-${process.pid}`);
  rmSync(next, { recursive: true, force: true });
  const esbuild = await import('esbuild');
  await esbuild.build({
    ...COMPILE,
    entryPoints: files.filter((f) => f.endsWith('.ts')).map((f) => join(SRC, f)),
    outdir: next,
    outbase: SRC,
  });
  for (const f of files.filter((name) => name.endsWith('.sql'))) cpSync(join(SRC, f), join(next, f));
  writeFileSync(join(next, '.sources'), stamp);
  rmSync(DIST, { recursive: true, force: true });
  renameSync(next, DIST);
}

if (process.argv[1] && relative(process.argv[1], fileURLToPath(import.meta.url)) === '') {
  const built = await ensureBuilt();
  process.stdout.write(built ? `built ${relative(ROOT, DIST)}/ from src/\n` : 'dist/ is current\n');
}
