/**
 * The machines' life for depreciation, a policy finance sets with the day it takes effect: a
 * figure as of a day uses the setting in force that day, so a new life changes no figure dated
 * before it (a closed period's least of all). The configuration's life is only the default before
 * the first setting.
 */
import type { Actor, AppContext } from '../app/context.js';
import { refuseIfClosed } from '../books/guard.js';
import type { Day } from '../kernel/calendar.js';
import { recordTreasury } from './projections.js';
import type { MachineLifeInput } from './schemas.js';
import type { MachineLifeSetting } from './store.js';
import * as store from './store.js';

export interface MachineLifePolicy {
  /** The life before the first setting: the configuration's (HASHFORGE_MACHINE_LIFE_MONTHS). */
  defaultMonths: number;
  /** The day asked: the life in force at its end. */
  on: Day;
  lifeMonths: number;
  settings: MachineLifeSetting[];
}

/** The life in force at the end of `on`: the latest setting effective by then, else the default. */
export async function machineLifeOn(ctx: AppContext, on: Day): Promise<MachineLifePolicy> {
  const settings = await store.selectMachineLife(ctx.db);
  const inForce = settings.filter((s) => s.effectiveFrom <= on).at(-1);
  const defaultMonths = ctx.config.machineLifeMonths;
  return { defaultMonths, on, lifeMonths: inForce?.lifeMonths ?? defaultMonths, settings };
}

export async function setMachineLife(
  ctx: AppContext,
  actor: Actor,
  input: MachineLifeInput,
  idempotencyKey?: string,
): Promise<MachineLifeSetting> {
  return recordTreasury(
    ctx,
    {
      actor,
      kind: 'treasury.machine-life-set',
      stream: 'treasury:machine-life',
      idempotencyKey,
      request: input,
    },
    async (tx) => {
      // A life effective inside a closed period would change the depreciation it reported.
      await refuseIfClosed(tx, input.effectiveFrom, 'effectiveFrom');
      return input;
    },
    async (_tx, event) => store.machineLifeSetting(event.payload, event),
  );
}
