import { readFile } from 'node:fs/promises';
import type { Command } from 'commander';
import { defineAction, defineLocalAction } from '../cli/command.js';
import { parseId, parseInput, pickOptions } from '../cli/input.js';
import { type Progress, progress } from '../cli/progress.js';
import { table } from '../cli/table.js';
import { invalid } from '../kernel/errors.js';
import { formatHashrate } from '../kernel/hashrate.js';
import { toWireJson } from '../kernel/json.js';
import { carriedPollsWritten } from './carried.js';
import type { ScanProgress } from './discovery.js';
import { CONTROL_KINDS, ipToNumber, MACHINE_STATUSES, numberToIp, parseFilterText } from './model.js';
import { decodeFile } from './protocol/telemetry.js';
import {
  ControlBody,
  EventsQuery,
  HashrateQuery,
  MACHINE_SORTS,
  MachineHistoryQuery,
  MachinePage,
  ScanBody,
  SummaryQuery,
} from './schemas.js';
import {
  controlMachines,
  fleetSummary,
  listMachines,
  listStatusEvents,
  machineHistory,
  measuredHashrateSeries,
  type ScanResult,
  type SweepReport,
  scanRange,
  sweepAndReconcile,
} from './service.js';

export function registerFleetCommands(program: Command): void {
  const fleet = program.command('fleet').description('Self-mining machines: discovery, polling, control');

  defineAction(
    fleet
      .command('scan')
      .argument('<range>', 'addresses: 10.1.0.0/20, 10.1.0.5-10.1.0.90 or one address')
      .description('Find miners in an address range and register new ones at a site')
      .requiredOption('--site <code>', 'the site the machines are at, e.g. SG1')
      .option('--port <port>', 'the miners’ API port', '4028')
      .option('--concurrency <n>', 'connect probes in flight at once (default 1000)'),
    { role: 'ops' },
    async (app, opts, [range]) => {
      const input = parseInput(ScanBody, { range, ...pickOptions(opts, ['site', 'port', 'concurrency']) });
      const bars = stageBars<ScanProgress['stage']>({
        probe: 'probing',
        identify: 'identifying',
        register: 'registering',
      });
      const result = await scanRange(app, app.actor, input, {
        onProgress: (p) => bars.update(p.stage, p.done, p.total),
      });
      bars.stop();
      return { json: result, text: describeScan(result) };
    },
  );

  defineAction(
    fleet
      .command('poll')
      .description('Sweep every registered machine: once, or every --interval seconds until stopped')
      .option('--once', 'one sweep, then exit')
      .option('--interval <seconds>', 'seconds between sweeps', '60')
      .option('--offline-after <n>', 'failed polls in a row before a machine is offline'),
    { role: 'ops' },
    async (app, opts) => {
      const settings = app.config.fleet;
      const interval = Number(opts.interval);
      if (!Number.isInteger(interval) || interval < 1) {
        throw invalid(
          'interval',
          `interval must be a whole number of seconds, 1 or more, got "${opts.interval}".`,
        );
      }
      const offlineAfter =
        opts.offlineAfter === undefined ? settings.offlineAfter : Number(opts.offlineAfter);
      const once = async () => {
        let bar: Progress | undefined;
        const r = await sweepAndReconcile(app, app.actor, {
          offlineAfter,
          retention: settings.retention,
          concurrency: settings.concurrency,
          onProgress: (_done, total) => {
            bar ??= progress(total, 'polling');
            bar.tick();
          },
        });
        // The bar ticks per answered or failed poll; those carried past the sweep's end and those
        // not asked (an earlier sweep's poll still under way) are dealt with too: the bar ends full.
        bar?.tick(r.carried + r.notAsked);
        bar?.stop();
        return r;
      };
      if (opts.once) {
        const r = await once();
        // The process ends here: the readings carried past the sweep's end are stored first.
        await carriedPollsWritten(app.miners);
        return { json: r, text: describeSweep(r) };
      }
      let stop = false;
      process.once('SIGINT', () => {
        stop = true;
      });
      let last: SweepReport | undefined;
      while (!stop) {
        const started = Date.now();
        last = await once();
        app.notice(describeSweep(last));
        while (!stop && Date.now() < started + interval * 1000) await sleep(200);
      }
      await carriedPollsWritten(app.miners);
      return { json: last ?? null, text: 'poller stopped' };
    },
  );

  defineAction(
    fleet
      .command('machines')
      .description('Registered machines, a page at a time')
      .option('--site <code>')
      .option('--status <status>', MACHINE_STATUSES.join(' | '))
      .option('--model <model>')
      .option('--search <text>', 'serial, address, MAC, DNA or model containing this text')
      .option('--sort <column>', `${MACHINE_SORTS.join(' | ')}; a leading minus for the largest first`)
      .option('--cursor <id>', 'the next cursor printed by the previous page')
      .option('--offset <n>', 'machines to skip: the pages of a sorted list')
      .option('--limit <n>', 'machines per page (1-1000)', '100'),
    { role: 'viewer', lists: true },
    async (app, opts) => {
      const page = await listMachines(
        app,
        parseInput(
          MachinePage,
          pickOptions(opts, ['site', 'status', 'model', 'search', 'sort', 'cursor', 'offset', 'limit']),
        ),
      );
      const rows = page.machines.map((m) => ({
        id: m.id,
        site: m.site,
        address: `${m.address}:${m.port}`,
        model: m.model,
        status: m.status,
        'TH/s': m.hashrateThs,
        serial: m.serial,
        reason: m.status === 'ok' ? '' : (m.statusReason ?? ''),
      }));
      const shown = page.machines.length + Number(opts.offset ?? 0);
      const more =
        page.nextCursor !== null
          ? `\nmore: --cursor ${page.nextCursor}`
          : shown < page.total
            ? `\nmore: --offset ${shown}`
            : '';
      return {
        json: page,
        rows: page.machines,
        text: table(rows, ['id', 'site', 'address', 'model', 'status', 'TH/s', 'serial', 'reason']) + more,
      };
    },
  );

  defineAction(
    fleet
      .command('machine')
      .argument('<id>')
      .description('One machine: latest telemetry, 5-minute series and status changes')
      .option('--from <time>')
      .option('--to <time>'),
    { role: 'viewer' },
    async (app, opts, [id]) => {
      const period = parseInput(MachineHistoryQuery, pickOptions(opts, ['from', 'to']));
      const h = await machineHistory(app, parseId(id, 'machine'), period);
      const m = h.machine;
      const lines = [
        `machine ${m.id} ${m.serial} at ${m.site} ${m.address}:${m.port}, ${m.model ?? 'model unknown'}, firmware ${m.firmware ?? '?'}`,
        `status ${m.status} since ${m.statusSince.toISOString()}${m.statusReason ? `: ${m.statusReason}` : ''}`,
        `hashrate ${m.hashrateThs === null ? 'never measured' : formatHashrate(m.hashrateThs)}, last seen ${m.lastSeenAt?.toISOString() ?? 'never'}${m.lastPollMs === null ? '' : `, last poll took ${m.lastPollMs} ms`}${m.consecutiveFailures > 0 ? `, ${m.consecutiveFailures} failed polls: ${m.lastFailure}` : ''}`,
        '',
        table(
          h.statusChanges.map((c) => ({ at: c.at, from: c.from, to: c.to, reason: c.reason })),
          ['at', 'from', 'to', 'reason'],
        ),
      ];
      return { json: h, text: lines.join('\n') };
    },
  );

  defineAction(
    fleet
      .command('summary')
      .description('Machines by status and measured hashrate per site')
      .option('--site <code>', 'only this site'),
    { role: 'viewer' },
    async (app, opts) => {
      const s = await fleetSummary(app, parseInput(SummaryQuery, pickOptions(opts, ['site'])));
      const rows = s.sites.map((site) => ({
        site: site.site,
        machines: site.machines,
        measured: formatHashrate(site.measuredThs),
        statuses: Object.entries(site.byStatus)
          .map(([k, v]) => `${k} ${v}`)
          .join(', '),
      }));
      const text = [
        `${s.machines} machines, measured ${formatHashrate(s.measuredThs)}; ${Object.entries(s.byStatus)
          .map(([k, v]) => `${k} ${v}`)
          .join(', ')}`,
        table(rows, ['site', 'machines', 'measured', 'statuses']),
      ].join('\n');
      return { json: s, text };
    },
  );

  defineAction(
    fleet
      .command('hashrate')
      .description('Measured hashrate per minute for a site or the fleet')
      .option('--site <code>')
      .requiredOption('--from <time>')
      .requiredOption('--to <time>'),
    { role: 'viewer' },
    async (app, opts) => {
      const s = await measuredHashrateSeries(
        app,
        parseInput(HashrateQuery, pickOptions(opts, ['site', 'from', 'to'])),
      );
      const rows = s.points.map((p) => ({ ...p, measured: formatHashrate(p.hashrateThs) }));
      return { json: s, text: table(rows, ['at', 'measured', 'machines', 'reporting', 'stale', 'offline']) };
    },
  );

  defineAction(
    fleet
      .command('events')
      .description('Machine status changes, newest first')
      .option('--machine <id>')
      .option('--site <code>')
      .option('--status <status>')
      .option('--cursor <id>')
      .option('--limit <n>', 'events per page', '100'),
    { role: 'viewer', lists: true },
    async (app, opts) => {
      const page = await listStatusEvents(
        app,
        parseInput(EventsQuery, pickOptions(opts, ['machine', 'site', 'status', 'cursor', 'limit'])),
      );
      return {
        json: page,
        rows: page.events,
        text: table(page.events, ['at', 'machineId', 'site', 'address', 'from', 'to', 'reason']),
      };
    },
  );

  defineLocalAction(
    fleet
      .command('decode')
      .argument(
        '<file>',
        'a file holding one raw reply: version, summary, stats/estats, pools, devs or a join',
      )
      .description('Decode a raw miner reply (JSON or KEY=value text) into normalised telemetry'),
    async (_opts, [file]) => {
      const text = await readFile(file!, 'utf8').catch((error: NodeJS.ErrnoException) => {
        throw invalid('file', `Cannot read ${file}: ${error.code ?? error.message}.`);
      });
      const t = decodeFile(text);
      return { json: t, text: toWireJson(t, 2) };
    },
  );

  defineLocalAction(
    fleet
      .command('simulate')
      .description('Run simulated Avalon miners on loopback (127.x.y.z) until Ctrl-C')
      .requiredOption('--count <n>', 'how many miners')
      .option('--base <address>', 'the first miner’s address', '127.91.0.1')
      .option('--port <port>', 'API port of every miner', '4028')
      .option('--port-range <start>', 'put every miner on --base, on ports start, start+1, …')
      .option('--model <model>', 'A1047 | A1246 | A1566', 'A1246')
      .option('--fault-rate <share>', 'share of miners (0-1) that start with a fault', '0')
      .option('--faults <list>', 'faults to draw from, comma-separated')
      .option('--seed <seed>', 'the same seed gives the same miners', '1')
      .option('--allow <list>', 'addresses allowed privileged commands, cgminer style (W:10.0.0.0/8)')
      .option('--reboot-seconds <s>', 'how long a reboot keeps a miner offline')
      .option('--slow-ms <ms>', 'how long a miner with the slow fault waits before answering'),
    async (opts) => {
      const flags = [
        'count',
        'base',
        'port',
        'portRange',
        'model',
        'faultRate',
        'faults',
        'seed',
        'allow',
        'rebootSeconds',
        'slowMs',
      ];
      const argv = flags.flatMap((f) =>
        opts[f] === undefined
          ? []
          : [`--${f.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`)}`, String(opts[f])],
      );
      // Loaded only here: the simulator has no business in every other command's start-up.
      const { runSimulatorCli } = await import('./protocol/simulator-main.js');
      await runSimulatorCli(argv);
      const count = Number(opts.count);
      const last = numberToIp(ipToNumber(String(opts.base)) + (opts.portRange === undefined ? count - 1 : 0));
      return {
        json: { running: true, count, first: opts.base, last },
        text: `scan them with: hashforge fleet scan ${opts.base}-${last} --site SITE${opts.port === '4028' ? '' : ` --port ${opts.port}`}`,
      };
    },
  );

  defineAction(
    fleet
      .command('control')
      .argument('<action>', CONTROL_KINDS.join(' | '))
      .description('Act on machines (one, a list, a site or a filter); each is confirmed by reading it back')
      .option('--machine <ids...>', 'machine ids')
      .option('--site <code>', 'every machine at a site')
      .option('--filter <criteria>', 'e.g. status=overheating or site=SG1,model=1246-83')
      .option('--all', 'the whole fleet')
      .option('--mode <n>', 'work mode, for work-mode')
      .option('--pool <n>', 'pool number, for pool')
      .option('--url <url>', 'for add-pool: the pool, e.g. stratum+tcp://pool.example:3333')
      .option('--user <worker>', 'for add-pool: the worker name')
      .option('--password <text>', 'for add-pool: the worker password (default x)'),
    { role: 'ops' },
    async (app, opts, [kind]) => {
      const filter = opts.filter === undefined ? {} : parseFilterText(String(opts.filter));
      const { selector, action } = parseInput(ControlBody, {
        action: { kind, ...pickOptions(opts, ['mode', 'pool', 'url', 'user', 'password']) },
        selector: {
          ...filter,
          ...(opts.machine ? { machines: opts.machine } : {}),
          ...(opts.site ? { site: opts.site } : {}),
          ...(opts.all ? { all: true } : {}),
        },
      });
      let bar: Progress | undefined;
      const r = await controlMachines(
        app,
        app.actor,
        { selector, action },
        {
          idempotencyKey: app.idempotencyKey,
          onStarted: (s) => {
            bar = progress(s.requested, `${s.description}: machines confirmed`);
          },
          onResult: () => bar?.tick(),
        },
      ).finally(() => bar?.stop());
      const text = [
        `${r.description}: ${r.succeeded} of ${r.requested} done (control ${r.controlId})`,
        table(
          r.results.map((x) => ({
            id: x.machineId,
            address: x.address,
            outcome: x.outcome,
            detail: x.detail,
          })),
          ['id', 'address', 'outcome', 'detail'],
        ),
      ].join('\n');
      if (r.failed > 0) process.exitCode = 3;
      return { json: r, text };
    },
  );
}

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** One progress bar per stage of a long job, each started when its stage begins. */
function stageBars<S extends string>(labels: Record<S, string>) {
  let current: { stage: S; bar: Progress; done: number } | undefined;
  return {
    update(stage: S, done: number, total: number) {
      if (current?.stage !== stage) {
        current?.bar.stop();
        current = { stage, bar: progress(total, labels[stage]), done: 0 };
      }
      current.bar.tick(done - current.done);
      current.done = done;
    },
    stop() {
      current?.bar.stop();
    },
  };
}

function describeScan(r: ScanResult): string {
  const lines = [
    `scanned ${r.addresses} addresses of ${r.range} in ${r.seconds} s: ${r.listening} listening on ${r.port}, ${r.identified} identified`,
    `site ${r.site}: ${r.registered.length} registered, ${r.changed.length} updated (address or firmware), ${r.unchanged} already known`,
  ];
  for (const c of r.changed.slice(0, 20))
    lines.push(`  updated ${c.id} ${c.serial}: ${JSON.stringify(c.changes)}`);
  for (const w of r.warnings.slice(0, 20)) lines.push(`  warning ${w.address}: ${w.warning}`);
  for (const f of r.failed.slice(0, 20)) lines.push(`  not identified ${f.address}: ${f.reason}`);
  if (r.failed.length > 20) lines.push(`  … and ${r.failed.length - 20} more not identified (see --json)`);
  return lines.join('\n');
}

function describeSweep(r: SweepReport): string {
  const failures = Object.entries(r.failures)
    .map(([k, v]) => `${k} ${v}`)
    .join(', ');
  return [
    `sweep ${r.sweep}: ${r.machines} machines in ${r.seconds} s, ${r.answered} answered, ${r.failed} failed${failures ? ` (${failures})` : ''}`,
    ...(r.carried > 0 || r.notAsked > 0
      ? [
          `${r.carried} still waiting on their miners at its end, carried on to their deadlines; ${r.notAsked} not asked (the sweep before's poll still under way)`,
        ]
      : []),
    `measured ${formatHashrate(r.measuredThs)}; ${r.statusChanges} status changes; latency p50 ${r.latencyMs.p50} ms, p99 ${r.latencyMs.p99} ms`,
    `statuses: ${Object.entries(r.byStatus)
      .map(([k, v]) => `${k} ${v}`)
      .join(', ')}`,
  ].join('\n');
}
