import type { Actor, AppContext } from '../app/context.js';
import { ruleBroken } from '../kernel/errors.js';
import type { PageAfter } from '../kernel/paging.js';
import { nextNumber } from '../ledger/ledger.js';
import { type CustomerAdded, SALES_EVENT } from './events.js';
import type { Customer } from './model.js';
import { recordSales } from './projections.js';
import type { NewCustomerInput } from './schemas.js';
import { customersNamed, selectCustomers } from './store.js';

export const duplicateCustomer = (name: string, existing: Customer, field = 'name') =>
  ruleBroken(
    'sales.duplicate-customer',
    `A customer named ${existing.name} already exists (customer ${existing.id}).`,
    field,
    { customerId: existing.id, name },
  );

export async function addCustomer(
  ctx: AppContext,
  actor: Actor,
  input: NewCustomerInput,
  idempotencyKey?: string,
): Promise<Customer> {
  return recordSales(
    ctx,
    // One stream for all customers, so two people adding the same name can't both pass the check.
    { actor, kind: SALES_EVENT.customerAdded, stream: 'customers', idempotencyKey, request: input },
    async (tx): Promise<CustomerAdded> => {
      const [existing] = await customersNamed(tx, [input.name]);
      if (existing) throw duplicateCustomer(input.name, existing);
      return { customer: { id: await nextNumber(tx, 'customer'), ...input } };
    },
    async (_tx, event) => event.payload.customer,
  );
}

/** Customers in id order; a page of them when `limit` is given. */
export const listCustomers = (
  ctx: AppContext,
  filter: { region?: string | undefined; country?: string | undefined } & PageAfter = {},
) => selectCustomers(ctx.db, filter);
