/**
 * The treasury's ledger events, by kind. Every movement event carries its movements whole (ids
 * included), so a replay needs nothing else. Pure.
 */
import type { EventOf } from '../ledger/events.js';
import type { Currency } from './model.js';
import type { Account, MachineLife, MovementFact } from './store.js';

export type TreasuryEvent =
  | EventOf<'treasury.account-added', Account>
  | EventOf<'treasury.payouts-imported', { source: string; movements: MovementFact[] }>
  | EventOf<'treasury.btc-sold', { movements: MovementFact[] }>
  | EventOf<'treasury.transfer-made', { currency: Currency; movements: MovementFact[] }>
  | EventOf<'treasury.cash-recorded', { movements: MovementFact[] }>
  | EventOf<'treasury.machine-life-set', MachineLife>;
