import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { seedCatalog } from '../../src/sales/test-fixtures.js';
import { REPLACED_RMA_STEPS, soldMachines } from '../../src/service/test-fixtures.js';
import { seriousViolations } from './axe.js';
import { type Dashboard, PHONE, startDashboard } from './harness.js';

// One server and one browser on a small company (no demo): 20 A1246 built in December 2020, five
// delivered to one customer on 2021-01-10 (a year's warranty from delivery, 90 days on a repaired
// item), one repair centre in the customer's country with three hash boards on its shelf.
let d: Dashboard;
let customerId = 0;
const S = (n: number) => `A1246-202012-${String(n).padStart(6, '0')}`;

async function made(path: string, body?: unknown) {
  const r = await d.server.call('POST', path, { role: 'service', body });
  if (r.status >= 300) throw new Error(`POST ${path}: ${r.status} ${JSON.stringify(r.body)}`);
  return r.body;
}

beforeAll(async () => {
  d = await startDashboard({ demo: false });
  const app = d.server.app;
  const admin = app.actor('admin');
  app.clock.set('2021-01-15T00:00:00Z');
  await seedCatalog(app);
  ({ customerId } = await soldMachines(app, admin));
  await made('/api/service/serials/sync');
  await made('/api/service/warranty/policies', {
    productId: 'A1246',
    termDays: 365,
    startsAt: 'delivery',
    doaDays: 30,
    repairedDays: 90,
  });
  await made('/api/service/centres', {
    id: 'SG1',
    name: 'Singapore repair centre',
    region: 'asia-pacific',
    country: 'SG',
    technicians: 2,
    burnInPositions: 20,
    calendar: {
      utcOffsetMinutes: 480,
      hours: [1, 2, 3, 4, 5].map((weekday) => ({ weekday, from: '09:00', to: '18:00' })),
      holidays: [],
    },
  });
  await made('/api/service/parts/transfers', { centreId: 'SG1', part: 'hash-board', qty: 3 });
}, 120_000);
afterAll(async () => {
  await d?.close();
});

describe('the service page', () => {
  it("as service: a customer's machine under warranty through every RMA step, the SLA clock paused while waiting for parts, the replacement on the customer's record", async () => {
    const page = await d.signedIn({ role: 'service' });
    await page.getByRole('link', { name: 'Service' }).click();
    await page.getByRole('heading', { name: 'Service network' }).waitFor();

    const open = page.getByRole('form', { name: "Open a customer's ticket" });
    await open.getByLabel('Machine serial').fill(S(2));
    await open.getByLabel('Class').selectOption('board-rma');
    await open.getByLabel('What the customer reports').fill('one board hashes at 0');
    await open.getByRole('button', { name: 'Open ticket' }).click();
    const opened = (await open.getByRole('status').textContent()) ?? '';
    expect(opened).toMatch(new RegExp(`^Ticket #\\d+ opened for ${S(2)}, routed to SG1\\.$`));
    const ticketId = opened.match(/#(\d+)/)![1]!;
    const row = page.getByRole('row').filter({ hasText: `#${ticketId}` });

    const form = page.getByRole('form', { name: 'Take an RMA step' });
    const status = form.getByRole('status');
    /** One step at the server's time `at`, confirmed by the page's sentence and the ticket's row. */
    const step = async (at: string, name: string, fill?: (f: typeof form) => Promise<void>) => {
      d.server.app.clock.set(at);
      await form.getByLabel('Ticket').selectOption(ticketId);
      await form.getByLabel('Step').selectOption(name);
      await fill?.(form);
      await form.getByRole('button', { name: 'Record step' }).click();
      await expect.poll(() => status.textContent()).toMatch(new RegExp(`^Ticket #${ticketId} is ${name}\\b`));
    };
    await step('2021-01-18T02:00:00Z', 'authorised');
    await row.getByText('authorised').waitFor();
    await step('2021-01-19T01:00:00Z', 'received');

    // Shipping before diagnosis: refused beside the Step field, naming the rule; nothing recorded.
    await form.getByLabel('Step').selectOption('shipped');
    await form.getByRole('button', { name: 'Record step' }).click();
    const refusal = form.locator('.field.has-error .field-error');
    await expect(refusal.textContent()).resolves.toMatch(/received; it cannot go to shipped/);
    await expect(form.getByLabel('Step').getAttribute('aria-invalid')).resolves.toBe('true');
    const still = await d.server.call('GET', `/api/service/tickets/${ticketId}`, { role: 'service' });
    expect(still.body.step).toBe('received');

    // Waiting for parts stops the SLA clock; the ticket's row says so until it resumes.
    const wait = page.getByRole('form', { name: 'Wait or resume' });
    d.server.app.clock.set('2021-01-19T02:00:00Z');
    await wait.getByLabel('Ticket').selectOption(ticketId);
    await wait.getByLabel('Waiting for').selectOption('parts');
    await wait.getByRole('button', { name: 'Wait' }).click();
    await expect
      .poll(() => wait.getByRole('status').textContent())
      .toBe(`Ticket #${ticketId} waits for parts: SLA clock paused.`);
    await row.getByText('received (waiting for parts: SLA clock paused)').waitFor();
    await expectAccessible(page);
    d.server.app.clock.set('2021-01-21T02:00:00Z');
    await wait.getByLabel('Waiting for').selectOption('resume');
    await wait.getByRole('button', { name: 'Resume' }).click();
    await expect
      .poll(() => wait.getByRole('status').textContent())
      .toBe(`Ticket #${ticketId} resumed: SLA clock running.`);
    await expect.poll(() => row.textContent()).not.toMatch(/paused/);

    await step('2021-01-21T04:00:00Z', 'diagnosed', (f) => f.getByLabel('Note').fill('board 2 dead'));
    // A cost mistyped is refused beside its field before anything is sent.
    await form.getByLabel('Step').selectOption('replaced');
    await form.getByLabel('Cost of the repair').fill('450.005');
    await form.getByRole('button', { name: 'Record step' }).click();
    await expect(form.locator('.field.has-error .field-error').textContent()).resolves.toMatch(
      /fraction of a cent/,
    );
    await step('2021-01-22T02:00:00Z', 'replaced', async (f) => {
      await f.getByLabel('Replacement serial').fill(S(11));
      await f.getByLabel('Cost of the repair').fill('$450.00');
      await f.getByLabel('Part fitted').selectOption('hash-board');
      await f.getByLabel("Faulty part's serial").fill('HB-1');
      await f.getByLabel("Fitted part's serial").fill('HB-2');
    });
    await expect(status.textContent()).resolves.toBe(
      `Ticket #${ticketId} is replaced; replacement ${S(11)}.`,
    );

    // The keyboard alone takes the burn-in step: choose it in the list, Tab to the button, Enter.
    d.server.app.clock.set('2021-01-22T06:00:00Z');
    await form.getByLabel('Step').focus();
    await page.keyboard.type('burn');
    await expect(form.getByLabel('Step').inputValue()).resolves.toBe('burn-in');
    for (let i = 0; i < 10; i++) {
      await page.keyboard.press('Tab');
      if (await page.evaluate(() => document.activeElement?.textContent === 'Record step')) break;
    }
    await page.keyboard.press('Enter');
    await expect
      .poll(() => status.textContent())
      .toBe(`Ticket #${ticketId} is burn-in; replacement ${S(11)}.`);

    await step('2021-01-25T02:00:00Z', 'shipped');
    await step('2021-01-26T02:00:00Z', 'closed');

    const done = await d.server.call('GET', `/api/service/tickets/${ticketId}`, { role: 'service' });
    expect(done.body).toMatchObject({ step: 'closed', warranty: true, costCents: '45000' });
    expect(done.body.steps.map((s: { step: string }) => s.step)).toEqual([...REPLACED_RMA_STEPS, 'closed']);

    // The customer's record: the machines they took, the ticket, and the replacement warranted
    // for the repaired-item term (90 days from shipping on 2021-01-25).
    const record = page.getByRole('region', { name: "A customer's record" });
    await record.getByLabel('Customer').selectOption(String(customerId));
    const replacement = record.getByRole('row').filter({ hasText: S(11) });
    await expect
      .poll(() => replacement.textContent())
      .toContain(`${S(11)}${S(2)}#${ticketId}2021-01-252021-04-24 (repaired-item term)`);
    await record.getByRole('cell', { name: `${S(1)} to ${S(5)}` }).waitFor();
    await record
      .getByRole('row')
      .filter({ hasText: `#${ticketId}` })
      .getByText('closed')
      .first()
      .waitFor();
    await expectAccessible(page);
    // On a phone the record's tables fold to fit: nothing scrolls sideways.
    await page.setViewportSize(PHONE);
    await expect
      .poll(() => page.evaluate(() => document.documentElement.scrollWidth))
      .toBeLessThanOrEqual(PHONE.width);
  }, 120_000);
});

async function expectAccessible(page: Page) {
  expect(await seriousViolations(page, 'main')).toEqual([]);
}
