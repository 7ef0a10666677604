import type { Db } from '../db/db.js';
import { defineProjections, type Recorded, recorder } from '../ledger/events.js';
import type { TreasuryEvent } from './events.js';
import * as store from './store.js';

/** Writes one of the module's events, its payload checked against its kind. */
export const recordTreasury = recorder<TreasuryEvent>();

/** Every movement event carries its movements whole (ids included), so a replay needs nothing else. */
const insertMovements = async (
  tx: Db,
  event: Recorded<Exclude<TreasuryEvent, { kind: 'treasury.account-added' | 'treasury.machine-life-set' }>>,
) => store.insertMovements(tx, event.payload.movements, event);

export const treasuryProjections = defineProjections<TreasuryEvent>({
  'treasury.account-added': async (tx, event) => store.insertAccount(tx, event.payload, event.recordedAt),
  'treasury.payouts-imported': insertMovements,
  'treasury.btc-sold': insertMovements,
  'treasury.transfer-made': insertMovements,
  'treasury.cash-recorded': insertMovements,
  'treasury.machine-life-set': async (tx, event) => store.upsertMachineLife(tx, event.payload, event),
});
