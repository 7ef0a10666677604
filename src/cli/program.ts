import { Command } from 'commander';
import { modules } from '../modules.js';
import { serve } from '../server.js';

/** The `hashforge` command: every module adds its commands; errors exit 2 for bad input. */
export function buildProgram(): Command {
  const program = new Command('hashforge')
    .description(
      'HashForge: sales, supply, fleet, self-mining, treasury and the quarterly report of an ASIC company',
    )
    .showHelpAfterError('(add --help for usage)')
    .exitOverride();
  program
    .command('serve')
    .description('Start the API and dashboard on PORT (default 3000)')
    .option('--demo', 'load the demo company first if the database is empty')
    .action(async (opts: { demo?: boolean }) => serve({ demo: opts.demo ?? false }));
  for (const m of modules) m.registerCommands?.(program);
  return program;
}
