import type { Db } from '../db/db.js';
import type { Projections, RecordedEvent } from '../ledger/ledger.js';
import * as store from './store.js';

/** Every movement event carries its movements whole (ids included), so a replay needs nothing else. */
const insertMovements = async (tx: Db, event: RecordedEvent) =>
  store.insertMovements(tx, (event.payload as { movements: store.MovementFact[] }).movements, event);

export const treasuryProjections: Projections = {
  'treasury.account-added': async (tx, event) =>
    store.insertAccount(tx, event.payload as store.Account, event.recordedAt),
  'treasury.payouts-imported': insertMovements,
  'treasury.btc-sold': insertMovements,
  'treasury.transfer-made': insertMovements,
};
