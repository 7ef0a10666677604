import { hostname } from 'node:os';
import type { Command } from 'commander';
import { defineAction } from '../cli/command.js';
import { inProcess, type Periodic, serverJobs } from '../jobs/boss.js';
import { invalid } from '../kernel/errors.js';
import { requireRegisteredSite } from '../mining/registry.js';
import { runAgent } from './agent.js';
import { parseSites } from './model.js';
import { Spool } from './spool.js';
import { registeredSites } from './store.js';

const whole = (value: unknown, field: string, min: number): number => {
  const n = Number(value);
  if (!Number.isInteger(n) || n < min)
    throw invalid(field, `${field} must be a whole number, ${min} or more, got "${String(value)}".`);
  return n;
};

export function registerAgentCommands(program: Command): void {
  defineAction(
    program
      .command('agent')
      .description(
        'Poll the machines of some sites and write to DATABASE_URL; agents share sites through leases',
      )
      .option('--sites <codes>', 'sites to serve, comma-separated (NA1,KZ1)')
      .option('--all', 'every registered site')
      .option('--name <name>', 'this agent’s name (default: host-pid)')
      .option('--nats <url>', 'the local NATS JetStream that holds the spool', 'nats://127.0.0.1:4222')
      .option('--interval <seconds>', 'seconds between sweeps of a site', '60')
      .option('--lease <seconds>', 'a sweep not done within this long is taken over by another agent', '40'),
    { role: 'ops' },
    async (app, opts) => {
      if (Boolean(opts.all) === (opts.sites !== undefined))
        throw invalid('sites', 'give --sites NA1,KZ1 or --all (one of the two).');
      const sites = opts.all ? await registeredSites(app.db) : parseSites(String(opts.sites));
      if (sites.length === 0)
        throw invalid('sites', 'no site to serve: register one first (hashforge mining site add).');
      for (const site of sites) await requireRegisteredSite(app.db, site, 'sites');
      const intervalSeconds = whole(opts.interval, 'interval', 1);
      const leaseSeconds = whole(opts.lease, 'lease', 5);
      const name = String(opts.name ?? `${hostname()}-${process.pid}`);
      const spool = await Spool.open(String(opts.nats), name);
      const target = app.config.database;
      const jobs: Periodic =
        target.kind === 'server' ? await serverJobs(target, app.log) : inProcess(app.log);
      const agent = await runAgent(
        app,
        app.actor,
        {
          name,
          sites,
          intervalSeconds,
          leaseSeconds,
          offlineAfter: app.config.fleet.offlineAfter,
          concurrency: app.config.fleet.concurrency,
        },
        spool,
        jobs,
      );
      app.notice(`agent ${name} serving ${sites.join(', ')} every ${intervalSeconds} s; Ctrl-C stops it`);
      await new Promise<void>((done) => {
        process.once('SIGINT', done);
        process.once('SIGTERM', done);
      });
      await agent.stop();
      await jobs.close();
      const left = await spool.size();
      await spool.close();
      return {
        json: { agent: name, sites, spooled: left },
        text: `agent ${name} stopped; ${left.items} parts of sweeps wait in the spool`,
      };
    },
  );
}
