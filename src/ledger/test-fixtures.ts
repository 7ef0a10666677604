/** A small book for the ledger tools' tests: products, a token, a customer and a contract, paid and delivered. */
import { createToken } from '../auth/tokens.js';
import { addCustomer, recordDelivery, recordPayment } from '../sales/service.js';
import { futuresContract, seedCatalog } from '../sales/test-fixtures.js';
import type { TestApp } from '../testing/index.js';

export async function smallBook(app: TestApp): Promise<void> {
  app.clock.set('2020-12-20T00:00:00Z');
  const actor = app.actor();
  await seedCatalog(app);
  await createToken(app, actor, { name: 'alice', role: 'finance' });
  const customer = await addCustomer(app, actor, { name: 'C', country: 'US', region: 'north-america' });
  const contract = await futuresContract(app, actor, customer.id);
  await recordPayment(app, actor, contract.id, { day: '2020-11-12', amountUsd: 270_000_000n }, 'pay-1');
  await recordDelivery(app, actor, contract.id, { day: '2020-12-01', lines: [{ lineId: 1, units: 400 }] });
}
