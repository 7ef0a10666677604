import type { Command } from 'commander';
import { defineAction, defineLocalAction } from '../cli/command.js';
import { parseId, parseInput } from '../cli/input.js';
import { progress } from '../cli/progress.js';
import { loadDemo } from './load.js';
import type { DemoMachineFault } from './rack-faults.js';
import { callServer } from './remote.js';
import { FaultBody } from './routes.js';

export function registerDemoCommands(program: Command): void {
  const demo = program.command('demo').description('The demo company (2019-01 to 2022-06)');
  defineAction(
    demo
      .command('load')
      .description(
        'Load the demo company through the services: catalog, market history, spot prices, order book, supply, self-mining, treasury. Loading twice changes nothing.',
      ),
    { role: 'admin' },
    async (app) => {
      const lines: string[] = [];
      await loadDemo(
        app,
        app.actor,
        (line) => {
          lines.push(line);
          app.notice(line);
        },
        { progress },
      );
      return { json: { loaded: lines }, text: 'demo company loaded' };
    },
  );
  defineLocalAction(
    demo
      .command('fault')
      .argument('<machine>', 'the machine id (as the dashboard and `hashforge fleet machines` show it)')
      .argument('<fault>', 'fan-failure | board-down | psu-fault | overheating | offline | healthy')
      .description(
        "Make a machine of the running demo's simulated rack misbehave, or heal it: the server started by `npm start` answers for it from then on",
      )
      .option('--url <url>', 'the server (default: the one serving this data directory)')
      .option(
        '--token <token>',
        'an admin token of that server (default: HASHFORGE_TOKEN, else its local admin)',
      ),
    async (opts, [machine, fault], runtime) => {
      const id = parseId(machine, 'machine');
      const body = parseInput(FaultBody, { fault });
      const call = { url: opts.url as string | undefined, token: opts.token as string | undefined };
      const r = await callServer<DemoMachineFault>(
        runtime.config,
        call,
        `/api/demo/rack/machines/${id}/fault`,
        body,
      );
      return {
        json: r,
        text: `machine ${r.machineId} (${r.address}) is ${r.fault ?? 'healthy'} now; the poller sees it at its next sweep`,
      };
    },
  );
}
