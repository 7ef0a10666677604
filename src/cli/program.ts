import { Command } from 'commander';
import { modules } from '../modules.js';
import { serve } from '../server.js';

/** The `hashforge` command: every module adds its commands; errors exit 2 for bad input. */
export function buildProgram(): Command {
  const program = new Command('hashforge')
    .description(
      'HashForge: sales, supply, fleet, self-mining, treasury and the quarterly report of an ASIC company',
    )
    // One line for a usage error too, with where to look, as for every other refusal.
    .configureOutput({
      outputError: (text, write) => write(`${text.trimEnd()} (add --help for usage)\n`),
    })
    .exitOverride();
  program
    .command('serve')
    .description('Start the API and dashboard on PORT (default 3000)')
    .option('--demo', 'load the demo company first if the database is empty')
    .action(async (opts: { demo?: boolean }) => serve({ demo: opts.demo ?? false }));
  for (const m of modules) m.registerCommands?.(program);
  return program;
}
