import type { Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { seedCatalog } from '../../src/sales/test-fixtures.js';
import { seriousViolations } from './axe.js';
import { type Dashboard, PHONE, startDashboard } from './harness.js';

// One server and one browser for the file, on a small company made through the API (no demo: these
// tests are about the forms, not the demo's figures). The test clock stands at 2021-01-15.
let d: Dashboard;
const ids = { polar: 0, nordic: 0, order: 0 };

async function made(method: string, path: string, role: 'sales' | 'supply', body: unknown) {
  const r = await d.server.call(method, path, { role, body });
  if (r.status >= 300) throw new Error(`${method} ${path}: ${r.status} ${JSON.stringify(r.body)}`);
  return r.body;
}

/** Two futures contracts, each 300 A1246 (90 TH/s) at $30/TH in three tranches: $810,000. */
async function bookContract(customer: string) {
  const c = await made('POST', '/api/sales/customers', 'sales', {
    name: customer,
    country: 'NO',
    region: 'europe',
  });
  const k = await made('POST', '/api/sales/contracts', 'sales', {
    customerId: c.id,
    kind: 'futures',
    signedOn: '2020-11-10',
    terms: { depositPercent: 30, balance: 'before-shipment', depositForfeitedOnCancel: true },
    lines: [
      {
        productId: 'A1246',
        units: 300,
        usdPerTh: '30.00',
        tranches: [
          { month: '2021-02', units: 100 },
          { month: '2021-03', units: 100 },
          { month: '2021-04', units: 100 },
        ],
      },
    ],
  });
  return k.id as number;
}

/** One foundry making the A12 chip for the A1246, 10,000 chips received in January. */
async function setUpSupply() {
  await made('POST', '/api/supply/foundries', 'supply', { id: 'tsmc', name: 'TSMC', country: 'TW' });
  await made('POST', '/api/supply/designs', 'supply', {
    id: 'A12',
    name: 'A12 chip',
    processNm: 8,
    diesPerWafer: 600,
    models: [{ productId: 'A1246', chipsPerMachine: 100 }],
  });
  await made('POST', '/api/supply/partnerships', 'supply', {
    foundryId: 'tsmc',
    designId: 'A12',
    startMonth: '2020-01',
    yieldCurve: { startPct: 90, maturePct: 90, monthsToMature: 1 },
  });
  const agreement = await made('POST', '/api/supply/agreements', 'supply', {
    foundryId: 'tsmc',
    wafersPerMonth: 100,
    startMonth: '2020-07',
    termMonths: 24,
  });
  const order = await made('POST', '/api/supply/wafer-orders', 'supply', {
    agreementId: agreement.id,
    designId: 'A12',
    wafers: 20,
    placedMonth: '2020-10',
  });
  await made('POST', `/api/supply/wafer-orders/${order.id}/out`, 'supply', { month: '2021-01' });
  await made('POST', `/api/supply/wafer-orders/${order.id}/received`, 'supply', {
    month: '2021-01',
    chipsReceived: 10_000,
  });
}

beforeAll(async () => {
  d = await startDashboard({ demo: false });
  await seedCatalog(d.server.app);
  ids.polar = await bookContract('Polar Hash');
  ids.nordic = await bookContract('Nordic Compute');
  await setUpSupply();
}, 120_000);
afterAll(async () => {
  await d?.close();
});
afterEach(async () => d?.closeTabs());

const figure = (page: Page, id: string) => page.getByTestId(id).locator('.figure-value');
const fieldError = (page: Page) => page.locator('.field.has-error .field-error');

async function expectAccessible(page: Page, selector?: string) {
  expect(await seriousViolations(page, selector)).toEqual([]);
}

describe('the actions each team takes from its page', () => {
  it('as sales on a phone: says "choose a customer", then finds a contract, reschedules a tranche and cancels what is left after a confirmation', async () => {
    const page = await d.signedIn({ role: 'sales', viewport: PHONE });
    await page.getByRole('link', { name: 'Order book' }).click();
    await page.getByRole('link', { name: 'New contract' }).click();
    await page.getByRole('button', { name: 'Book contract' }).click();
    await expect(fieldError(page).textContent()).resolves.toBe('choose a customer');
    await expect(page.getByLabel('Customer', { exact: true }).getAttribute('aria-invalid')).resolves.toBe(
      'true',
    );

    await page.getByRole('link', { name: 'Order book', exact: true }).click();
    await page.getByLabel('Customer', { exact: true }).selectOption({ label: 'Polar Hash' });
    await page.getByRole('link', { name: `#${ids.polar}`, exact: true }).click();
    const backlog = figure(page, 'contract-backlog');
    await page.getByRole('heading', { name: `Contract #${ids.polar}: Polar Hash, futures` }).waitFor();
    // Sales changes contracts; refunds are finance's, so sales is not offered one.
    const actions = page.getByRole('group', { name: 'Change the contract' });
    await expect(actions.getByRole('button').allTextContents()).resolves.toEqual([
      'Reschedule a tranche…',
      'Cancel…',
    ]);

    await actions.getByRole('button', { name: 'Reschedule a tranche…' }).click();
    const move = page.getByRole('form', { name: 'Reschedule a tranche' });
    await move.getByLabel('Tranche to move').selectOption('1/1');
    await move.getByLabel('New month').fill('2020-12');
    await move.getByLabel('Day the customer asked').fill('2021-01-12');
    await move.getByRole('button', { name: 'Reschedule' }).click();
    await expect(move.locator('.field-error').textContent()).resolves.toMatch(/before the reschedule/);
    await move.getByLabel('New month').fill('2021-06');
    await move.getByRole('button', { name: 'Reschedule' }).click();
    await expect(move.getByRole('status').textContent()).resolves.toBe(
      'Moved 100 units of line 1, tranche 1, from 2021-02 to 2021-06.',
    );
    await page.getByRole('cell', { name: '2021-06' }).waitFor();

    await actions.getByRole('button', { name: 'Cancel…' }).click();
    const cancel = page.getByRole('form', { name: 'Cancel' });
    // One tranche is offered first, the one furthest out: since the move, line 1's first (2021-06).
    await expect(cancel.getByRole('radio', { name: 'One tranche' }).isChecked()).resolves.toBe(true);
    await expect(cancel.getByLabel('Tranche to cancel').inputValue()).resolves.toBe('1/1');
    await cancel.getByLabel('Day of the cancellation').fill('2021-01-14');
    await cancel.getByLabel('Reason').fill('Customer needs fewer machines');
    await expectAccessible(page, 'main');

    // Asked first; Escape goes back and nothing is recorded.
    await cancel.getByRole('button', { name: 'Cancel…' }).click();
    const dialog = page.getByRole('dialog', { name: 'Cancel tranche 1 of line 1?' });
    await expect(dialog.textContent()).resolves.toMatch(/the 100 A1246 due in 2021-06 are cancelled/);
    await expectAccessible(page, 'dialog');
    await page.keyboard.press('Escape');
    await dialog.waitFor({ state: 'hidden' });
    const still = await d.server.call('GET', `/api/sales/contracts/${ids.polar}`, { role: 'viewer' });
    expect(still.body.figures.cancelledUnits).toBe(0);

    // With the keyboard alone: the safe answer has the focus, Tab reaches the one that cancels.
    await cancel.getByRole('button', { name: 'Cancel…' }).press('Enter');
    await expect(
      dialog.getByRole('button', { name: 'Go back' }).evaluate((b) => b === document.activeElement),
    ).resolves.toBe(true);
    await page.keyboard.press('Tab');
    await page.keyboard.press('Enter');
    await expect(cancel.getByRole('status').textContent()).resolves.toBe(
      'Cancelled 100 units worth $270,000.00; deposit forfeited $0.00, paid back $0.00. Backlog is now $540,000.00.',
    );
    await expect.poll(() => backlog.textContent()).toBe('$540,000.00');
    const after = await d.server.call('GET', `/api/sales/contracts/${ids.polar}`, { role: 'viewer' });
    expect(after.body.figures).toMatchObject({ status: 'signed', cancelledUnits: 100 });
    expect(after.body.lines[0].tranches.find((t: { tranche: number }) => t.tranche === 1)).toMatchObject({
      month: '2021-06',
      cancelled: 100,
      open: 0,
    });
  }, 60_000);

  it('as finance: a payment with a mistyped amount refused beside it, then recorded; a refund asked first', async () => {
    const page = await d.signedIn({ role: 'finance', at: `/orders/${ids.nordic}` });
    const liability = figure(page, 'contract-liability');
    await expect.poll(() => liability.textContent()).toBe('$0.00');

    const pay = page.getByRole('form', { name: 'Record a payment' });
    await pay.getByLabel('Day received').fill('2021-01-11');
    await pay.getByLabel('Amount').fill('243,000.0.0');
    await pay.getByRole('button', { name: 'Record payment' }).click();
    await expect(pay.locator('.field-error').textContent()).resolves.toMatch(
      /^must be an amount of US dollars/,
    );
    await expect(pay.getByLabel('Amount').getAttribute('aria-invalid')).resolves.toBe('true');
    await expect(liability.textContent()).resolves.toBe('$0.00');

    await pay.getByLabel('Amount').fill('243,000.00');
    await pay.getByRole('button', { name: 'Record payment' }).click();
    await expect(pay.getByRole('status').textContent()).resolves.toBe(
      'Payment recorded. Contract liability is now $243,000.00.',
    );
    await expect.poll(() => liability.textContent()).toBe('$243,000.00');

    await page.getByRole('button', { name: 'Refund…' }).click();
    const refund = page.getByRole('form', { name: 'Refund a prepayment' });
    await refund.getByLabel('Day paid back').fill('2021-01-13');
    await refund.getByLabel('Refund amount').fill('1000');
    await refund.getByRole('button', { name: 'Record refund' }).click();
    const dialog = page.getByRole('dialog', { name: 'Refund $1,000.00 to Nordic Compute?' });
    await expectAccessible(page, 'dialog');
    await dialog.getByRole('button', { name: 'Yes, record the refund' }).click();
    await expect(refund.getByRole('status').textContent()).resolves.toBe(
      'Refund recorded. Contract liability is now $242,000.00.',
    );
    await expect.poll(() => liability.textContent()).toBe('$242,000.00');
    await expectAccessible(page, 'main');
  }, 60_000);

  it('as supply: records a build (a wrong count refused beside it, a month recorded again asked first) and places a wafer order', async () => {
    const page = await d.signedIn({ role: 'supply' });
    await page.getByRole('link', { name: 'Supply' }).click();
    const build = page.getByRole('form', { name: 'Record machines built' });
    await build.getByLabel('Machine model').selectOption('A1246');
    await build.getByLabel('Month built').fill('2021-01');
    await build.getByLabel('Machines built').fill('sixty');
    await build.getByRole('button', { name: 'Record build' }).click();
    await expect(build.locator('.field-error').textContent()).resolves.toBe('must be a number');
    await build.getByLabel('Machines built').fill('60');
    await build.getByRole('button', { name: 'Record build' }).click();
    await expect(build.getByRole('status').textContent()).resolves.toBe(
      'Recorded 60 A1246 built in 2021-01, using 6,000 A12 chips.',
    );
    // The plan above is read again: January's row counts the machines built.
    const january = page.getByRole('row').filter({ hasText: /^2021-01A1246/ });
    await expect.poll(() => january.getByRole('cell').nth(6).textContent()).toBe('60 actual');

    await build.getByLabel('Machines built').fill('50');
    await build.getByRole('button', { name: 'Record build' }).click();
    const replace = page.getByRole('dialog', { name: 'Replace the A1246 built in 2021-01?' });
    await expect(replace.textContent()).resolves.toMatch(/60 A1246 are recorded as built in 2021-01/);
    await replace.getByRole('button', { name: 'Yes, replace it' }).click();
    await expect(build.getByRole('status').textContent()).resolves.toMatch(/^Recorded 50 A1246/);
    await expect.poll(() => january.getByRole('cell').nth(6).textContent()).toBe('50 actual');
    const builds = await d.server.call('GET', '/api/supply/builds', { role: 'viewer' });
    expect(builds.body).toEqual([{ productId: 'A1246', month: '2021-01', units: 50 }]);

    const order = page.getByRole('form', { name: 'Place a wafer order' });
    await order.getByRole('button', { name: 'Place order' }).click();
    await expect(order.locator('.field-error').textContent()).resolves.toBe('choose an agreement');
    await order.getByLabel('Capacity agreement').selectOption({ index: 1 });
    await order.getByLabel('Design').selectOption('A12');
    await order.getByLabel('Wafers').fill('10');
    await order.getByLabel('Placed in').fill('2021-01');
    await order.getByRole('button', { name: 'Place order' }).click();
    await expect(order.getByRole('status').textContent()).resolves.toMatch(
      /^Wafer order #(\d+) placed: 10 wafers of A12 chip at TSMC, out 2021-04; 5,400 good dies expected\.$/,
    );
    const placed = /#(\d+)/.exec((await order.getByRole('status').textContent()) ?? '')![1];
    await page
      .getByRole('row')
      .filter({ hasText: `#${placed}` })
      .getByText('placed')
      .waitFor();
    await expectAccessible(page, 'section:has(form[aria-labelledby])');
  }, 60_000);

  it('as finance closes a period, a mistyped one refused; an admin reopens it with a reason, asked first', async () => {
    const page = await d.signedIn({ role: 'finance' });
    await page.getByRole('link', { name: 'Books' }).click();
    const close = page.getByRole('form', { name: 'Close a period' });
    await close.getByLabel('Period').fill('December');
    await close.getByRole('button', { name: 'Close period' }).click();
    await expect(close.locator('.field-error').textContent()).resolves.toBe(
      'must be a month (2020-12) or a quarter (2020Q4)',
    );
    await close.getByLabel('Period').fill('2020-12');
    await close.getByLabel('Note').fill('December reported');
    await close.getByRole('button', { name: 'Close period' }).click();
    await expect(close.getByRole('status').textContent()).resolves.toBe(
      '2020-12 closed: nothing dated 2020-12-01 to 2020-12-31 can be recorded now.',
    );
    const row = page.getByRole('row').filter({ hasText: /^2020-12/ });
    await expect(row.locator('.badge').textContent()).resolves.toBe('closed');
    // Reopening is an admin's: finance is told so, not shown the form.
    await expect(page.getByTestId('needs-role').textContent()).resolves.toBe(
      'To reopen a closed period, sign in with a token of the role admin; yours is finance.',
    );
    await expectAccessible(page, 'main');

    const admin = await d.signedIn({ role: 'admin' });
    await admin.getByRole('link', { name: 'Books' }).click();
    const reopen = admin.getByRole('form', { name: 'Reopen a closed period' });
    await expect(reopen.getByLabel('Closed period').inputValue()).resolves.toBe('2020-12');
    await reopen.getByRole('button', { name: 'Reopen…' }).click();
    const dialog = admin.getByRole('dialog', { name: 'Reopen 2020-12?' });
    await dialog.getByRole('button', { name: 'Yes, reopen 2020-12' }).click();
    await expect(reopen.locator('.field-error').textContent()).resolves.toBe(
      'must say why the period is reopened',
    );
    await reopen.getByLabel('Reason').fill('A late delivery note for December');
    await reopen.getByRole('button', { name: 'Reopen…' }).click();
    await dialog.getByRole('button', { name: 'Yes, reopen 2020-12' }).click();
    await expect(reopen.getByRole('status').textContent()).resolves.toBe(
      '2020-12 reopened: A late delivery note for December',
    );
    const reopened = admin.getByRole('row').filter({ hasText: /^2020-12/ });
    await expect.poll(() => reopened.locator('.badge').textContent()).toBe('reopened');
    const periods = await d.server.call('GET', '/api/books/periods', { role: 'viewer' });
    expect(periods.body).toMatchObject([{ period: '2020-12', closed: false }]);
  }, 60_000);
});
