/**
 * The bench's poller process runs the code as `hashforge` ships it: src/ compiled to dist/ by
 * bin/build.js (as every command does on its start) and this folder's modules compiled the same way
 * beside it, their imports of src/ pointed at dist/, run by plain node. Under tsx the same code cost
 * about 7% more CPU a poll (0.272 against 0.253 ms: its keepNames wrappers and its loader), which
 * the bench would have counted against the poller.
 */
import { readdirSync, rmSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build, type Plugin } from 'esbuild';
import { COMPILE, DIST, ensureBuilt, ROOT } from '../../bin/build.js';

const HERE = dirname(fileURLToPath(import.meta.url));
const SRC = join(ROOT, 'src');

let compiled: Promise<string> | undefined;

/**
 * This folder compiled, once a process, into a folder of its own (removed when the process exits)
 * at the same depth below the root as this one, so that the paths its modules make from
 * import.meta.url still lead where they did; returns that folder.
 */
export function compiledBench(): Promise<string> {
  compiled ??= compile();
  return compiled;
}

async function compile(): Promise<string> {
  await ensureBuilt();
  const folder = join(ROOT, `.bench-dist-${process.pid}`);
  const outdir = join(folder, relative(join(ROOT, 'bench'), HERE));
  process.once('exit', () => rmSync(folder, { recursive: true, force: true }));
  await build({
    ...COMPILE,
    entryPoints: readdirSync(HERE)
      .filter((f) => f.endsWith('.ts') && !f.endsWith('.test.ts'))
      .map((f) => join(HERE, f)),
    outdir,
    // Bundling only to be asked about each import (srcToDist): every module stays a file of its own.
    bundle: true,
    packages: 'external',
    plugins: [srcToDist(outdir)],
  });
  return outdir;
}

/** Leaves every relative import to node, those of src/ pointed at its compiled copy in dist/. */
function srcToDist(outdir: string): Plugin {
  return {
    name: 'src-to-dist',
    setup(b) {
      b.onResolve({ filter: /^\./ }, (args) => {
        const inSrc = relative(SRC, resolve(args.resolveDir, args.path));
        if (inSrc.startsWith('..')) return { path: args.path, external: true };
        return { path: relative(outdir, join(DIST, inSrc)), external: true };
      });
    },
  };
}
