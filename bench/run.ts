import { existsSync, readdirSync } from 'node:fs';
import os from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * `npm run bench [-- name ...]`: runs every bench/<name>/run.ts (or the named ones) one after the
 * other and lets each print its own figures. Each exports `main(args: string[])`.
 */
const here = dirname(fileURLToPath(import.meta.url));
const benches = readdirSync(here, { withFileTypes: true })
  .filter((d) => d.isDirectory() && existsSync(join(here, d.name, 'run.ts')))
  .map((d) => d.name);
// A bench's name chooses it; anything else (`--dashboard-machines 5000`, the value too) is its option.
const args = process.argv.slice(2);
const wanted = args.filter((a) => benches.includes(a));
const passThrough = args.filter((a) => !benches.includes(a));
const names = benches.filter((n) => wanted.length === 0 || wanted.includes(n)).sort();

console.log(
  `machine: ${os.cpus().length} × ${os.cpus()[0]?.model ?? 'cpu'}, ${Math.round(os.totalmem() / 2 ** 30)} GiB, Node ${process.version}, ${os.platform()}`,
);
for (const name of names) {
  console.log(`\n== bench/${name}`);
  const mod = (await import(join(here, name, 'run.ts'))) as { main: (args: string[]) => Promise<void> };
  await mod.main(passThrough);
}
