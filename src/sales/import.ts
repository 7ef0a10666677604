/**
 * Bulk import of customers, contracts and contract events, all or nothing per file.
 *
 * The file is one ledger write: `record` (under the file's idempotency key) wraps it and closes
 * it with a `sales.import-completed` event. Inside, every row is decided by the same model as the
 * API, in file order, against the book as it stands (the streams it touches locked first); if any
 * row is refused, nothing is written and every refused row is reported with its line, field and
 * reason. Otherwise the rows become ledger events appended in bulk and projected in bulk, by the
 * same projection that replay runs one event at a time.
 */

import { createHash } from 'node:crypto';
import type { Actor, AppContext } from '../app/context.js';
import { closedPeriods } from '../books/guard.js';
import { checkOpen } from '../books/model.js';
import { productsWithStageOn } from '../catalog/service.js';
import type { Day } from '../kernel/calendar.js';
import { AppError } from '../kernel/errors.js';
import { appendEvents, type BatchWrite, lockStreams, reserveNumbers } from '../ledger/ledger.js';
import { checkNotFuture, draftOf, factsOf, spotOn, today } from './contracts.js';
import { duplicateCustomer } from './customers.js';
import { KIND_OF, SALES_EVENT, type SalesEvent } from './events.js';
import { type ImportFormat, type ImportItem, type RejectedRow, readImportFile } from './import-file.js';
import { type Customer, type ProductFacts, signContract } from './model.js';
import { type ContractState, decideEvent, openContract } from './model-events.js';
import { contractStream, projectSalesEvents, recordSales } from './projections.js';
import { customersById, customersNamed, loadStates } from './store.js';

export interface ImportReport {
  format: ImportFormat;
  sha256: string;
  rows: number;
  customers: number;
  contracts: number;
  events: number;
  firstEventId: bigint | null;
  lastEventId: bigint | null;
}

export interface ImportProgress {
  /** Called with how many rows were decided, then how many events were written. */
  start(phase: 'deciding' | 'writing', total: number): void;
  tick(by: number): void;
  stop(): void;
}

const silent: ImportProgress = { start() {}, tick() {}, stop() {} };
const PROJECT_BATCH = 20_000;

export async function importSales(
  ctx: AppContext,
  actor: Actor,
  text: string,
  opts: { format: ImportFormat; idempotencyKey?: string | undefined; progress?: ImportProgress },
): Promise<ImportReport> {
  const sha256 = createHash('sha256').update(text).digest('hex');
  const progress = opts.progress ?? silent;
  const { items, rejected } = readImportFile(text, opts.format);
  if (rejected.length > 0) throw rejection(rejected);
  return recordSales(
    ctx,
    {
      actor,
      kind: SALES_EVENT.importCompleted,
      stream: 'sales-imports',
      idempotencyKey: opts.idempotencyKey ?? `sales-import:${sha256}`,
      request: { sha256, format: opts.format },
    },
    async (tx): Promise<ImportReport> => {
      const inTx = { ...ctx, db: tx };
      const { writes, stored } = await decideAll(inTx, items, progress);
      progress.start('writing', writes.length);
      // The contracts' rows are locked (decideAll), which serialises writers of their streams.
      const events = await appendEvents(tx, actor, ctx.clock.now(), writes, { lockStreams: false });
      for (let i = 0; i < events.length; i += PROJECT_BATCH) {
        await projectSalesEvents(tx, events.slice(i, i + PROJECT_BATCH), stored);
        progress.tick(Math.min(PROJECT_BATCH, events.length - i));
      }
      progress.stop();
      const count = (kind: string) => writes.filter((w) => w.event.kind === kind).length;
      return {
        format: opts.format,
        sha256,
        rows: items.length,
        customers: count(SALES_EVENT.customerAdded),
        contracts: count(SALES_EVENT.contractSigned),
        events: writes.length - count(SALES_EVENT.customerAdded) - count(SALES_EVENT.contractSigned),
        firstEventId: events[0]?.id ?? null,
        lastEventId: events.at(-1)?.id ?? null,
      };
    },
    async (_tx, event) => event.payload,
  );
}

function rejection(rejected: RejectedRow[]): AppError {
  const first = rejected[0]!;
  return new AppError(
    'invalid',
    'sales.import-rejected',
    `${rejected.length} row(s) rejected, nothing imported; first: line ${first.line}, ${first.field}: ${first.reason}`,
    first.field,
    { rejected },
  );
}

/**
 * Decides every row in file order; throws the full list of refusals if there is any. Returns the
 * events to write and the stored states of the contracts they touch, as loaded before deciding.
 *
 * Writers of one contract are kept apart by its row lock (taken here for every contract the file
 * touches, and by each single write when it loads its contract) rather than by one advisory lock
 * per stream: a file touching 50,000 contracts would overflow PostgreSQL's shared lock table.
 */
async function decideAll(
  ctx: AppContext,
  items: ImportItem[],
  progress: ImportProgress,
): Promise<{ writes: BatchWrite<SalesEvent>[]; stored: Map<number, ContractState> }> {
  const existingIds = [
    ...new Set(items.flatMap((i) => (i.type === 'event' && 'id' in i.contract ? [i.contract.id] : []))),
  ];
  await lockStreams(ctx.db, ['customers', 'contracts']);
  const stored = await loadStates(ctx.db, existingIds, { forUpdate: true });
  const states = new Map(stored);
  const customerIds = items.flatMap((i) =>
    i.type === 'contract' && 'id' in i.customer ? [i.customer.id] : [],
  );
  const customersByIdMap = await customersById(ctx.db, [...new Set(customerIds)]);
  const names = items.flatMap((i) =>
    i.type === 'customer'
      ? [i.input.name]
      : i.type === 'contract' && 'name' in i.customer
        ? [i.customer.name]
        : [],
  );
  const byName = new Map(
    (await customersNamed(ctx.db, [...new Set(names)])).map((c) => [c.name.toLowerCase(), c]),
  );
  // Each product in its stage on each signing day: a contract is checked against the stage it was
  // signed in; one added to the catalogue since is known (a back-dated contract for it is accepted).
  const catalogs = new Map<Day, Map<string, ProductFacts>>();
  const productsOn = async (day: Day) => {
    let found = catalogs.get(day);
    if (!found) {
      found = new Map((await productsWithStageOn(ctx, day)).map((p) => [p.id, factsOf(p)]));
      catalogs.set(day, found);
    }
    return found;
  };
  const spots = new Map<Day, bigint | null>();
  const now = today(ctx);
  const closed = await closedPeriods(ctx.db);

  const newCustomers = items.filter((i) => i.type === 'customer').length;
  const newContracts = items.filter((i) => i.type === 'contract').length;
  let nextCustomer = newCustomers > 0 ? await reserveNumbers(ctx.db, 'customer', newCustomers) : 0;
  let nextContract = newContracts > 0 ? await reserveNumbers(ctx.db, 'contract', newContracts) : 0;

  const customerRefs = new Map<string, Customer>();
  const contractRefs = new Map<string, number>();
  const refusedRefs = new Map<string, number>();
  const rejected: RejectedRow[] = [];
  const writes: BatchWrite<SalesEvent>[] = [];
  const refuse = (item: ImportItem, error: unknown, ref?: string) => {
    if (!(error instanceof AppError)) throw error;
    rejected.push({ line: item.line, field: error.field ?? 'row', reason: error.message, code: error.code });
    if (ref) refusedRefs.set(ref, item.line);
  };
  const missing = (what: string, name: string | number) => {
    const line = typeof name === 'string' ? refusedRefs.get(name) : undefined;
    return new AppError(
      'invalid',
      'invalid',
      line ? `${what} ${name} was refused on line ${line}.` : `There is no ${what.toLowerCase()} ${name}.`,
      what.toLowerCase(),
    );
  };

  progress.start('deciding', items.length);
  for (const item of items) {
    try {
      if (item.type === 'customer') {
        const existing = byName.get(item.input.name.toLowerCase());
        if (existing) throw duplicateCustomer(item.input.name, existing);
        const customer: Customer = { id: nextCustomer++, ...item.input };
        byName.set(customer.name.toLowerCase(), customer);
        customersByIdMap.set(customer.id, customer);
        if (item.ref) customerRefs.set(item.ref, customer);
        writes.push({
          event: { kind: SALES_EVENT.customerAdded, payload: { customer } },
          stream: 'customers',
          counters: { customer: customer.id },
        });
      } else if (item.type === 'contract') {
        const c = item.customer;
        const customer =
          'id' in c
            ? customersByIdMap.get(c.id)
            : (customerRefs.get(c.name) ?? byName.get(c.name.toLowerCase()));
        if (!customer) throw missing('Customer', 'id' in c ? c.id : c.name);
        checkNotFuture(ctx, item.input.signedOn, 'signedOn');
        checkOpen(closed, item.input.signedOn, 'signedOn');
        if (!spots.has(item.input.signedOn))
          spots.set(item.input.signedOn, await spotOn(ctx, item.input.signedOn));
        const contract = signContract(
          nextContract,
          draftOf({ ...item.input, customerId: customer.id }),
          await productsOn(item.input.signedOn),
          spots.get(item.input.signedOn)!,
        );
        nextContract++;
        states.set(contract.id, openContract(contract));
        if (item.ref) contractRefs.set(item.ref, contract.id);
        writes.push({
          event: { kind: SALES_EVENT.contractSigned, payload: { contract } },
          stream: 'contracts',
          counters: { contract: contract.id },
        });
      } else {
        const id = 'id' in item.contract ? item.contract.id : contractRefs.get(item.contract.ref);
        const state: ContractState | undefined = id === undefined ? undefined : states.get(id);
        if (id === undefined || !state) {
          throw missing('Contract', 'id' in item.contract ? item.contract.id : item.contract.ref);
        }
        checkOpen(closed, item.event.day, 'day');
        const decided = decideEvent(state, item.event, now);
        states.set(id, decided.state);
        writes.push({
          event: {
            kind: KIND_OF[item.event.type],
            payload: { contractId: id, event: item.event, effect: decided.effect },
          },
          stream: contractStream(id),
        });
      }
    } catch (error) {
      refuse(item, error, item.type === 'event' ? undefined : item.ref);
    }
    progress.tick(1);
  }
  progress.stop();
  if (rejected.length > 0) throw rejection(rejected);
  return { writes, stored };
}
