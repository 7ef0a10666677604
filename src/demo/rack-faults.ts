/**
 * Making a demo machine misbehave by hand, so that a person can walk the alerts' acceptance on
 * `npm start`: stop a fan, take a hash board down, fault the PSU, and bring it back. It acts on the
 * simulated miner inside this process (its answers over TCP change; the poller and the alerts see
 * it as they would a real one), never on the books: nothing here is written to the database.
 */
import type { AppContext } from '../app/context.js';
import { getMachine } from '../fleet/service.js';
import { AppError } from '../kernel/errors.js';
import { runningRack } from './fleet.js';

/** What a person may do to a demo machine; `healthy` clears any fault. */
export const HAND_FAULTS = [
  'fan-failure',
  'board-down',
  'psu-fault',
  'overheating',
  'offline',
  'healthy',
] as const;
export type HandFault = (typeof HAND_FAULTS)[number];

export interface DemoMachineFault {
  machineId: number;
  address: string;
  /** The simulated fault now, null when healthy (a drawn one may be outside HAND_FAULTS: slow, garbage). */
  fault: string | null;
  choices: HandFault[];
}

async function simulatedMiner(ctx: AppContext, machineId: number) {
  const rack = runningRack(ctx);
  if (!rack) {
    throw new AppError(
      'conflict',
      'demo.no-simulator',
      'No demo simulator runs in this server: faults can be set only on the simulated rack that `npm start` (hashforge serve --demo, HASHFORGE_DEMO_MINERS above 0) runs.',
      'machine',
    );
  }
  const machine = await getMachine(ctx, machineId);
  const address = `${machine.address}:${machine.port}`;
  const miner = rack.miners.find((m) => m.address === address);
  if (!miner) {
    throw new AppError(
      'conflict',
      'demo.not-simulated',
      `Machine ${machineId} (${address}) is not one of the demo's simulated miners: only those can be made to misbehave.`,
      'machine',
    );
  }
  return { rack, miner, machineId };
}

export async function demoMachineFault(ctx: AppContext, machineId: number): Promise<DemoMachineFault> {
  const { miner } = await simulatedMiner(ctx, machineId);
  return { machineId, address: miner.address, fault: miner.fault, choices: [...HAND_FAULTS] };
}

export async function setDemoMachineFault(
  ctx: AppContext,
  machineId: number,
  fault: HandFault,
): Promise<DemoMachineFault> {
  const { rack, miner } = await simulatedMiner(ctx, machineId);
  await rack.setFault(miner.address, fault === 'healthy' ? null : fault);
  return demoMachineFault(ctx, machineId);
}
