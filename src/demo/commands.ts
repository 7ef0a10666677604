import type { Command } from 'commander';
import { defineAction } from '../cli/command.js';
import { progress } from '../cli/progress.js';
import { loadDemo } from './load.js';

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
}
