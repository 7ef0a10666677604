/**
 * The demo's machines that really answer: a rack of simulated Avalon miners on loopback (the
 * fleet's simulator, speaking the miners' protocol over TCP), scanned into a site of its own and
 * polled while `serve --demo` runs, so that a new user can watch live hashrate, open a faulty
 * machine and curtail the rack from the dashboard. The demo company's own sites (NA1, KZ1) keep
 * only their books: their tens of thousands of machines are not simulated.
 */
import type { Actor, AppContext } from '../app/context.js';
import { startFleetPolling } from '../fleet/background.js';
import { scanRange } from '../fleet/discovery.js';
import { type SimulatedMiner, type Simulator, startSimulator } from '../fleet/protocol/simulator.js';
import { machinesByIdentity } from '../fleet/store.js';
import { todayUtc } from '../kernel/calendar.js';
import { deployMachines, installMachines } from '../mining/deployments.js';
import { addSite } from '../mining/sites.js';
import { existingSerialsOrMacs, findSite } from '../mining/store.js';
import { linkFleetMachine, stockSerials } from '../service/serials.js';
import { machineSerials } from '../service/store.js';

export const DEMO_RACK = {
  site: 'LAB',
  /** A /16 of loopback that neither the tests nor the benches use. */
  base: '127.201.0.1',
  model: 'A1246',
  faultRate: 0.04,
  seed: 'demo-rack',
  pollSeconds: 10,
} as const;

/**
 * The rack running in this process, by the context that serves it: the demo's fault control
 * (rack-faults.ts) reaches its simulated miners here. None outside `serve --demo`.
 */
const running = new WeakMap<AppContext, Simulator>();
export const runningRack = (ctx: AppContext): Simulator | undefined => running.get(ctx);

export interface DemoRack {
  machines: number;
  /** Machines the scan found: the simulated faults include a few miners that never answer. */
  found: number;
  pollSeconds: number;
  stop(): Promise<void>;
}

/**
 * Starts `count` simulated miners, registers them at the LAB site (a restart finds them already
 * known), and polls every 10 s unless the fleet poller already runs (HASHFORGE_POLL_INTERVAL).
 */
export async function startDemoRack(
  ctx: AppContext,
  actor: Actor,
  opts: { count: number; base?: string },
): Promise<DemoRack> {
  const simulator = await startSimulator({
    count: opts.count,
    base: opts.base ?? DEMO_RACK.base,
    model: DEMO_RACK.model,
    faultRate: DEMO_RACK.faultRate,
    seed: DEMO_RACK.seed,
    rebootSeconds: 5,
  });
  let found: number;
  try {
    await registerDemoSite(ctx, actor, simulator.miners);
    const first = simulator.miners[0]!.host;
    const last = simulator.miners.at(-1)!.host;
    const scan = await scanRange(ctx, actor, { range: `${first}-${last}`, site: DEMO_RACK.site, port: 4028 });
    found = scan.registered.length + scan.changed.length + scan.unchanged;
    await linkRackSerials(ctx, actor, simulator.miners);
  } catch (error) {
    await simulator.stop();
    throw error;
  }
  running.set(ctx, simulator);
  const settings = ctx.config.fleet;
  const stopPolling =
    settings.pollIntervalSeconds === undefined
      ? startFleetPolling(ctx, { ...settings, pollIntervalSeconds: DEMO_RACK.pollSeconds })
      : async () => {}; // the fleet module's own poller sweeps the rack with everything else
  return {
    machines: simulator.miners.length,
    found,
    pollSeconds: settings.pollIntervalSeconds ?? DEMO_RACK.pollSeconds,
    async stop() {
      running.delete(ctx);
      await stopPolling();
      await simulator.stop();
    },
  };
}

/**
 * Gives each registered rack machine that has no serial yet one from the demo's unsold stock of its
 * model, so that its fault tickets name a serial with a build, a lot and a warranty, as a real
 * machine's do. With no stock left (a book with no builds of the model), they stay unlinked.
 */
async function linkRackSerials(
  ctx: AppContext,
  actor: Actor,
  miners: readonly SimulatedMiner[],
): Promise<void> {
  const linked = await machineSerials(ctx.db);
  const registered = await machinesByIdentity(
    ctx.db,
    miners.map((m) => ({ serial: m.dna, dna: m.dna })),
  );
  const unlinked = registered.map((m) => Number(m.id)).filter((id) => !linked.has(id));
  if (unlinked.length === 0) return;
  const serials = await stockSerials(ctx.db, DEMO_RACK.model, unlinked.length);
  for (const [i, serial] of serials.entries()) {
    await linkFleetMachine(ctx, actor, { machineId: unlinked[i]!, serial });
  }
}

/**
 * The rack's site in self-mining's registry, with its machines deployed and installed there, so that
 * what the poller measures at LAB lands beside what self-mining installed (measured against
 * installed, per site and in total). A restart finds both done and adds only machines it lacks.
 */
async function registerDemoSite(
  ctx: AppContext,
  actor: Actor,
  miners: readonly SimulatedMiner[],
): Promise<void> {
  const today = todayUtc(ctx.clock.now());
  if (!(await findSite(ctx.db, DEMO_RACK.site))) {
    await addSite(ctx, actor, {
      code: DEMO_RACK.site,
      name: 'Demo lab (simulated miners on loopback)',
      country: 'SG',
      capacityMw: 2,
      usdPerKwh: 0.05,
      priceFrom: today,
      status: 'approved',
      permitRef: 'DEMO-LAB',
    });
  }
  const known = new Set(
    (
      await existingSerialsOrMacs(
        ctx.db,
        miners.map((m) => m.dna),
        [],
      )
    ).map((m) => m.serial),
  );
  const serials = miners.map((m) => m.dna).filter((dna) => !known.has(dna));
  if (serials.length === 0) return;
  await deployMachines(ctx, actor, {
    site: DEMO_RACK.site,
    productId: DEMO_RACK.model,
    serials,
    shippedOn: today,
  });
  await installMachines(ctx, actor, { serials, installedOn: today });
}
