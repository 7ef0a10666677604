import { once } from 'node:events';
import { CommanderError } from 'commander';
import { readConfig } from '../app/config.js';
import { modules } from '../modules.js';
import { type CliRuntime, report } from './command.js';
import { buildProgram } from './program.js';

/**
 * The `hashforge` program's composition root: the environment is read here and only here; each
 * command opens the context it needs through the runtime. Tests pass their own runtime.
 */
export async function main(argv: readonly string[], runtime: CliRuntime): Promise<void> {
  try {
    const program = await buildProgram(runtime, modules, argv, (p) =>
      p
        .command('serve')
        .description('Start the API and dashboard on PORT (default 3000)')
        .option('--demo', 'load the demo company first if the database is empty')
        .action(async (opts: { demo?: boolean }) => {
          const { serve } = await import('../server.js');
          await serve(runtime.config, { demo: opts.demo ?? false });
        }),
    );
    await program.parseAsync([...argv]);
  } catch (error) {
    if (error instanceof CommanderError) {
      const ok = ['commander.helpDisplayed', 'commander.version', 'commander.help'].includes(error.code);
      if (!(ok || error.exitCode === 0)) runtime.fail(2);
      return;
    }
    runtime.fail(report(error, runtime.stderr));
  }
}

/** The runtime of a command run from a terminal: this process's environment, output and exit code. */
export function terminal(env: NodeJS.ProcessEnv): CliRuntime {
  let config: CliRuntime['config'] | undefined;
  const runtime: CliRuntime = {
    // Read on first use, so that `--help` answers even beside a mistyped setting.
    get config() {
      config ??= readConfig(env);
      return config;
    },
    open: async (command) => {
      const { openContext } = await import('../app/root.js');
      return openContext(runtime.config, { command, modules });
    },
    stdout: (text) => process.stdout.write(text),
    // A pipe on Linux is written synchronously; elsewhere (macOS pipes, Windows) writes queue up.
    drain: async () => {
      if (process.stdout.writableNeedDrain) await once(process.stdout, 'drain');
    },
    stderr: (text) => process.stderr.write(text),
    fail: (code) => {
      process.exitCode = code;
    },
  };
  return runtime;
}
