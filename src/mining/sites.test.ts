import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { parseInput } from '../cli/input.js';
import type { AppError } from '../kernel/errors.js';
import { type TestApp, tableCounts, testApp } from '../testing/index.js';
import { deployMachines, installMachines, listMachines } from './deployments.js';
import { hashrateByDay } from './hashrate.js';
import { requireRegisteredSite, requireSiteFilter } from './registry.js';
import { Deployment } from './schemas.js';
import { addSite, changeCompliance, changeSite, getSite, setPrice } from './sites.js';
import { findSite, upsertSite } from './store.js';
import { seedCatalogAndMarket } from './test-fixtures.js';

const refusal = async (p: Promise<unknown>): Promise<AppError> => {
  try {
    await p;
  } catch (e) {
    return e as AppError;
  }
  throw new Error('expected a refusal');
};

describe('sites and deployments on a real database', () => {
  let app: TestApp;
  beforeEach(async () => {
    app = await testApp();
    app.clock.set('2021-03-01T12:00:00Z');
    await seedCatalogAndMarket(app, app.actor('admin'), '2021-02-01', '2021-04-30');
    const ops = app.actor('ops');
    await addSite(app, ops, {
      code: 'SG1',
      name: 'Singapore One',
      country: 'SG',
      // ten A1246 at 3,420 W each
      capacityMw: 0.0342,
      usdPerKwh: 0.05,
      priceFrom: '2021-01-01',
      status: 'approved',
      permitRef: 'EMA-2021-17',
      permitFrom: '2021-01-01',
      permitUntil: '2023-12-31',
    });
    await addSite(app, ops, {
      code: 'NA1',
      name: 'Texas pending',
      country: 'US',
      capacityMw: 10,
      usdPerKwh: 0.035,
      status: 'pending',
    });
  });
  afterEach(async () => app.close());

  it('keeps one rule for a code in another case: a filter is told the registered code, a new site is a duplicate', async () => {
    const before = await tableCounts(app);
    // "sg1" where SG1 is registered: not an invitation to register sg1 beside it.
    const filter = await refusal(requireSiteFilter(app.db, 'sg1'));
    expect(filter).toMatchObject({ field: 'site', code: 'fleet.unknown-site' });
    expect(filter.message).toMatch(/did you mean SG1\?/);
    expect(filter.message).not.toMatch(/register it|site add/);
    const control = await refusal(requireRegisteredSite(app.db, 'Sg1', 'selector.site'));
    expect(control).toMatchObject({ field: 'selector.site' });
    expect(control.message).toMatch(/did you mean SG1\?/);
    // A site looked up by its code (a deployment, a site's page) says the same.
    const deploy = await refusal(
      deployMachines(app, app.actor('ops'), { site: 'sg1', productId: 'A1246', serials: ['X1'] }),
    );
    expect(deploy).toMatchObject({ field: 'site' });
    expect(deploy.message).toMatch(/did you mean SG1\?/);
    // A site named in a path (GET /api/mining/sites/sg1) is one that does not exist: 404, as for NOPE.
    for (const code of ['sg1', 'NOPE']) {
      const page = await refusal(getSite(app, code));
      expect(page, code).toMatchObject({ kind: 'not-found', field: 'code' });
    }
    expect((await refusal(getSite(app, 'sg1'))).message).toMatch(/did you mean SG1\?/);
    // A code no site has in any case is still told how to register it.
    expect((await refusal(requireSiteFilter(app.db, 'NOPE'))).message).toMatch(/register it first/);
    const added = await refusal(
      addSite(app, app.actor('ops'), {
        code: 'sg1',
        name: 'Singapore again',
        country: 'SG',
        capacityMw: 1,
        usdPerKwh: 0.05,
        status: 'pending',
      }),
    );
    expect(added).toMatchObject({ kind: 'conflict', code: 'mining.duplicate-site', field: 'code' });
    expect(added.message).toMatch(/already a site SG1/);
    // Two adds racing past that check meet the database's index on the code in any case.
    const sg1 = (await findSite(app.db, 'SG1'))!;
    await expect(upsertSite(app.db, { ...sg1, code: 'sg1' }, new Date())).rejects.toMatchObject({
      code: '23505',
    });
    expect(await tableCounts(app)).toEqual(before);
  });

  it('deploys to an approved site, refuses a pending one and anything beyond capacity, writing nothing', async () => {
    const ops = app.actor('ops');
    const before = await tableCounts(app);
    const pending = await refusal(
      deployMachines(app, ops, { site: 'NA1', productId: 'A1246', units: 2, serialPrefix: 'A1246-NA-' }),
    );
    expect(pending.code).toBe('mining.site-not-approved');
    expect(pending.message).toContain('pending');
    const over = await refusal(
      deployMachines(app, ops, { site: 'SG1', productId: 'A1246', units: 11, serialPrefix: 'A1246-SG-' }),
    );
    expect(over.code).toBe('mining.over-capacity');
    expect(over.detail).toMatchObject({ capacityW: 34_200, neededW: 37_620 });
    const notBtc = await refusal(
      deployMachines(app, ops, { site: 'SG1', productId: 'E1', serials: ['E1-1'] }),
    );
    expect(notBtc.field).toBe('productId');
    expect(await tableCounts(app)).toEqual(before);

    const d = await deployMachines(app, ops, {
      site: 'SG1',
      productId: 'A1246',
      units: 6,
      serialPrefix: 'A1246-SG-',
      shippedOn: '2021-03-01',
    });
    expect(d).toMatchObject({ units: 6, nominalThs: 540, nominalW: 20_520, siteFreeW: 13_680 });
    expect(d.serials[0]).toBe('A1246-SG-0001');
    // the next batch numbers on, and the last four fill the site exactly
    const d2 = await deployMachines(app, ops, {
      site: 'SG1',
      productId: 'A1246',
      units: 4,
      serialPrefix: 'A1246-SG-',
      shippedOn: '2021-03-02',
    });
    expect(d2.serials).toEqual(['A1246-SG-0007', 'A1246-SG-0008', 'A1246-SG-0009', 'A1246-SG-0010']);
    expect(d2.siteFreeW).toBe(0);
    const full = await refusal(
      deployMachines(app, ops, { site: 'SG1', productId: 'A1047', serials: ['X-1'] }),
    );
    expect(full.code).toBe('mining.over-capacity');
    const again = await refusal(changeSite(app, ops, 'SG1', { capacityMw: 0.03 }));
    expect(again.code).toBe('mining.over-capacity');
    expect(again.field).toBe('capacityMw');
  });

  it('lets only one of two racing deployments take capacity that only one of them fits in', async () => {
    const ops = app.actor('ops');
    const deploy = (prefix: string) =>
      deployMachines(app, ops, { site: 'SG1', productId: 'A1246', units: 6, serialPrefix: prefix }).then(
        () => 'deployed',
        (e: AppError) => e.code,
      );
    const outcomes = await Promise.all([deploy('RACE-A-'), deploy('RACE-B-')]);
    expect(outcomes.sort()).toEqual(['deployed', 'mining.over-capacity']);
  });

  it('refuses a serial twice and tracks in transit, installed and installed TH over time', async () => {
    const ops = app.actor('ops');
    // through the same schema as the API and CLI, which normalises the MAC as the fleet does
    const input = parseInput(Deployment, {
      site: 'SG1',
      productId: 'A1246',
      serials: ['S1', 'S2', 'S3'],
      macs: { S3: '8C-A1-66-00-00-03' },
      shippedOn: '2021-03-01',
    });
    await deployMachines(app, ops, input);
    expect(
      (await refusal(deployMachines(app, ops, { site: 'SG1', productId: 'A1246', serials: ['S9', 'S2'] })))
        .field,
    ).toBe('serials.1');
    await installMachines(app, ops, { serials: ['S1', 'S2'], installedOn: '2021-03-05' });
    expect(
      (await refusal(installMachines(app, ops, { serials: ['S2'], installedOn: '2021-03-06' }))).code,
    ).toBe('mining.already-installed');
    expect(
      (await refusal(installMachines(app, ops, { serials: ['S3'], installedOn: '2021-02-01' }))).field,
    ).toBe('installedOn');
    expect((await refusal(installMachines(app, ops, { serials: ['nope'] }))).kind).toBe('not-found');

    const list = await listMachines(app, { site: 'SG1', on: '2021-03-05' });
    expect(list.byState).toEqual({ 'in-transit': 1, installed: 2, hashing: 0 });
    expect(list.machines.find((m) => m.serial === 'S3')?.mac).toBe('8c:a1:66:00:00:03');

    const days = await hashrateByDay(app, { from: '2021-03-04', to: '2021-03-05' });
    expect(days.map((d) => [d.day, d.installedThs, d.sites[1]!.inTransitThs])).toEqual([
      ['2021-03-04', 0, 270],
      ['2021-03-05', 180, 90],
    ]);
    expect(days[1]!.installedPh).toBe(0.18);
    expect(days[1]!.measuredThs).toBeNull();
  });

  it('suspending a site flags its machines and blocks deployment; approving it again clears them', async () => {
    const ops = app.actor('ops');
    await deployMachines(app, ops, {
      site: 'SG1',
      productId: 'A1246',
      serials: ['S1', 'S2'],
      shippedOn: '2021-03-01',
    });
    const s = await changeCompliance(app, ops, 'SG1', {
      status: 'suspended',
      reason: 'regulator review of data-centre power use',
      effectiveOn: '2021-03-10',
    });
    expect(s.flaggedSerials).toEqual(['S1', 'S2']);
    expect((await getSite(app, 'SG1')).flagged.map((f) => f.serial)).toEqual(['S1', 'S2']);
    expect(
      (await refusal(deployMachines(app, ops, { site: 'SG1', productId: 'A1246', serials: ['S3'] }))).code,
    ).toBe('mining.site-not-approved');
    expect(
      (
        await refusal(
          changeCompliance(app, ops, 'SG1', {
            status: 'approved',
            reason: 'review closed',
            effectiveOn: '2021-03-09',
          }),
        )
      ).field,
    ).toBe('effectiveOn');
    const back = await changeCompliance(app, ops, 'SG1', {
      status: 'approved',
      reason: 'review closed',
      effectiveOn: '2021-03-20',
    });
    expect(back.flagsCleared).toBe(true);
    expect(back.compliance.permitRef).toBe('EMA-2021-17');
    const site = await getSite(app, 'SG1');
    expect(site.flagged).toEqual([]);
    expect(site.complianceHistory.map((h) => h.status)).toEqual(['approved', 'suspended', 'approved']);
  });

  it('approves only with a permit, and keeps price changes by day', async () => {
    const ops = app.actor('ops');
    const before = await tableCounts(app);
    expect(
      (await refusal(changeCompliance(app, ops, 'NA1', { status: 'approved', reason: 'looks fine' }))).code,
    ).toBe('mining.permit-required');
    expect(await tableCounts(app)).toEqual(before);
    await setPrice(app, ops, 'SG1', { effectiveFrom: '2021-06-01', usdPerKwh: 0.07 });
    const site = await getSite(app, 'SG1');
    expect(site.prices).toEqual([
      { effectiveFrom: '2021-01-01', usdPerKwh: 0.05 },
      { effectiveFrom: '2021-06-01', usdPerKwh: 0.07 },
    ]);
    expect(site.usdPerKwh).toBe(0.05);
  });
});
