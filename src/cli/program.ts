import type { Command } from 'commander';
import type { HashforgeModule } from '../app/module.js';
import { CliProgram, type CliRuntime } from './command.js';

/**
 * The `hashforge` command. Only the module whose command is asked for is loaded: every other
 * top-level command is listed from the modules' descriptors (name and description) for `--help`.
 * Errors exit 2 for bad input.
 */
export async function buildProgram(
  runtime: CliRuntime,
  modules: readonly HashforgeModule[],
  argv: readonly string[],
  serve: (program: Command) => void,
): Promise<CliProgram> {
  const program = new CliProgram(runtime);
  program
    .description(
      'HashForge: sales, supply, fleet, self-mining, treasury and the quarterly report of an ASIC company',
    )
    // One line for a usage error too, with where to look, as for every other refusal.
    .configureOutput({
      writeOut: (text) => runtime.stdout(text),
      writeErr: (text) => runtime.stderr(text),
      outputError: (text, write) => write(`${text.trimEnd()} (add --help for usage)\n`),
    })
    .exitOverride();
  serve(program);
  const asked = argv.slice(2).find((a) => !a.startsWith('-'));
  for (const m of modules) {
    if (!m.commands) continue;
    if (m.commands.entries.some((e) => e.name === asked)) {
      (await m.commands.register())(program);
    } else {
      for (const e of m.commands.entries) program.command(e.name).description(e.description);
    }
  }
  return program;
}
