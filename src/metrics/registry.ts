/**
 * The metric contract (README "Metrics"): one prom-client registry per server, its figures set
 * from the database at each scrape, Node's own defaults beside them. Labels are bounded: site and
 * model (the registered sites and the catalog's models), status, rule, outcome; never an address.
 */
import { Counter, collectDefaultMetrics, Gauge, Registry } from 'prom-client';
import type { FleetFigures } from './figures.js';

const TH = 1e12;

const NODE_GAUGES_NAMED_AS_COUNTERS = [
  'nodejs_active_handles_total',
  'nodejs_active_requests_total',
  'nodejs_active_resources_total',
];

export interface FleetMetrics {
  registry: Registry;
  /** Sets every figure from one read of the database, then renders the text format. */
  render(f: FleetFigures): Promise<string>;
}

export function fleetMetrics(): FleetMetrics {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry });
  // prom-client names three gauges `…_total`, which promtool's lint refuses (only counters end in
  // _total); each is the sum over the labelled gauge of the same name without it, so nothing is lost.
  for (const name of NODE_GAUGES_NAMED_AS_COUNTERS) registry.removeSingleMetric(name);
  const registers = [registry];
  const machines = new Gauge({
    name: 'hashforge_fleet_machines',
    help: 'Registered machines by site, model and status',
    labelNames: ['site', 'model', 'status'] as const,
    registers,
  });
  const hashrate = new Gauge({
    name: 'hashforge_fleet_hashrate_hashes_per_second',
    help: 'Measured hashrate by site and model: last good figure of every machine not offline (H/s)',
    labelNames: ['site', 'model'] as const,
    registers,
  });
  const installed = new Gauge({
    name: 'hashforge_site_installed_hashrate_hashes_per_second',
    help: 'Nameplate hashrate self-mining has installed at each registered site today (H/s)',
    labelNames: ['site'] as const,
    registers,
  });
  const polls = new Counter({
    name: 'hashforge_fleet_polls_total',
    help: 'Miner polls by result, over every recorded sweep',
    labelNames: ['result'] as const,
    registers,
  });
  const sweeps = new Counter({
    name: 'hashforge_fleet_sweeps_total',
    help: 'Sweeps of the fleet by outcome (done, failed, abandoned, running)',
    labelNames: ['outcome'] as const,
    registers,
  });
  const sweepSeconds = new Counter({
    name: 'hashforge_fleet_sweep_seconds_total',
    help: 'Seconds spent sweeping, by outcome (divide by hashforge_fleet_sweeps_total for the mean)',
    labelNames: ['outcome'] as const,
    registers,
  });
  const lastSweep = new Gauge({
    name: 'hashforge_fleet_last_sweep_duration_seconds',
    help: 'How long the last finished sweep took',
    registers,
  });
  const lastSweepEnd = new Gauge({
    name: 'hashforge_fleet_last_sweep_end_timestamp_seconds',
    help: 'When the last finished sweep ended (Unix time)',
    registers,
  });
  const alerts = new Gauge({
    name: 'hashforge_alerts_open',
    help: 'Alerts firing or acknowledged, by rule and site (site empty for the poller)',
    labelNames: ['rule', 'site'] as const,
    registers,
  });
  const deliveries = new Gauge({
    name: 'hashforge_alert_webhook_deliveries',
    help: 'Webhook deliveries by state (delivered, pending, given_up)',
    labelNames: ['state'] as const,
    registers,
  });
  const machineHashrate = new Gauge({
    name: 'hashforge_machine_hashrate_hashes_per_second',
    help: 'One machine’s measured hashrate, only for the serials the scrape names (machines=…)',
    labelNames: ['serial', 'site', 'model'] as const,
    registers,
  });
  const machineUp = new Gauge({
    name: 'hashforge_machine_up',
    help: 'Whether a named machine answers its polls with figures that can be used (1) or not (0)',
    labelNames: ['serial', 'site', 'model'] as const,
    registers,
  });
  const machineChip = new Gauge({
    name: 'hashforge_machine_chip_temperature_celsius',
    help: 'A named machine’s hottest chip',
    labelNames: ['serial', 'site', 'model'] as const,
    registers,
  });
  const perScrape = [
    machines,
    hashrate,
    installed,
    polls,
    sweeps,
    sweepSeconds,
    lastSweep,
    lastSweepEnd,
    alerts,
    deliveries,
    machineHashrate,
    machineUp,
    machineChip,
  ];

  return {
    registry,
    async render(f) {
      // Every figure comes whole from the database: what is no longer there (a resolved alert, a
      // machine no longer asked for) must not linger from the last scrape.
      for (const m of perScrape) m.reset();
      for (const r of f.machines) machines.set({ site: r.site, model: r.model, status: r.status }, r.n);
      for (const r of f.hashrate) hashrate.set({ site: r.site, model: r.model }, r.ths * TH);
      for (const r of f.installed) installed.set({ site: r.site }, r.ths * TH);
      polls.inc({ result: 'answered' }, f.polls.answered);
      polls.inc({ result: 'failed' }, f.polls.failed);
      for (const s of f.sweeps) {
        sweeps.inc({ outcome: s.outcome }, s.n);
        sweepSeconds.inc({ outcome: s.outcome }, s.seconds);
      }
      if (f.lastSweep) {
        lastSweep.set(f.lastSweep.seconds);
        lastSweepEnd.set(f.lastSweep.finishedAt.getTime() / 1000);
      }
      for (const a of f.alerts) alerts.set({ rule: a.rule, site: a.site }, a.n);
      for (const d of f.deliveries) deliveries.set({ state: d.state }, d.n);
      for (const m of f.perMachine) {
        const labels = { serial: m.serial, site: m.site, model: m.model };
        machineUp.set(labels, m.up ? 1 : 0);
        if (m.ths !== null) machineHashrate.set(labels, m.ths * TH);
        if (m.chipC !== null) machineChip.set(labels, m.chipC);
      }
      return registry.metrics();
    },
  };
}
