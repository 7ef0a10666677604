import type { HashforgeModule } from '../app/module.js';

export const fleetModule: HashforgeModule = {
  name: 'fleet',
  projections: async () => (await import('./projections.js')).fleetProjections,
  derivedTables: [
    'fleet_machines',
    // Numbered by an identity column, which rolled-back writes consume: a row is its event and machine.
    { name: 'fleet_status_changes', key: ['event_id', 'machine_id'], ignore: ['id'] },
    'fleet_controls',
    // Each machine's latest soft off or on, from the same events as fleet_controls.
    'fleet_power_intent',
  ],
  // What the poller measures, written directly: far too many rows for the ledger, and pruned.
  notDerivedTables: {
    fleet_machine_state: { why: 'the latest poll of each machine, written by the poller', rebuild: 'copy' },
    fleet_telemetry: { why: 'five-minute telemetry buckets, written by the poller', rebuild: 'copy' },
    fleet_hashrate_minutes: { why: 'hashrate per site and minute, written by the poller', rebuild: 'copy' },
    fleet_sweeps: { why: "the poller's sweeps, written by the poller", rebuild: 'copy' },
  },
  routes: async () => (await import('./routes.js')).registerFleetRoutes,
  commands: {
    entries: [{ name: 'fleet', description: 'Self-mining machines: discovery, polling, control' }],
    register: async () => (await import('./commands.js')).registerFleetCommands,
  },
  // Off unless HASHFORGE_POLL_INTERVAL is set (see background.ts).
  background: async () => {
    const { startFleetPolling } = await import('./background.js');
    return (ctx, jobs) => startFleetPolling(ctx, ctx.config.fleet, jobs);
  },
};
