import { describe, expect, it } from 'vitest';
import { FAULT_CATALOGUE, faultOfAlertRule, faultsOf, faultsWithAlerts } from './faults.js';

const healthy = {
  sources: ['estats'],
  repairs: [],
  boards: [1, 2, 3].map((index) => ({ index, hashrateThs: 30, chips: 120 })),
  fansRpm: [5000, 5000],
  temperatures: { inletC: 25, hottestChipC: 80 },
};

describe('the fault catalogue', () => {
  it('names the PSU error bits of an Avalon PSU as a PSU fault', () => {
    const [f] = faultsOf({
      status: 'ok',
      telemetry: { ...healthy, psu: { errorCode: 64 + 2048, outputW: 3300 } },
    });
    expect(f).toMatchObject({ ticketClass: 'psu', code: 'psu-fault' });
    expect(f!.detail).toBe('PSU error code 2112: output over-current, PSU fan error');
    expect(faultsOf({ status: 'ok', telemetry: { ...healthy, psu: { errorCode: 0 } } })).toEqual([]);
  });

  it('gives every alert rule of a hardware fault the class of a fault in the one table', () => {
    for (const rule of ['board-down', 'fan-failure', 'psu-fault', 'over-temperature', 'machine-offline']) {
      const code = faultOfAlertRule(rule);
      expect(code, rule).toBeDefined();
      expect(FAULT_CATALOGUE[code!].alertRule).toBe(rule);
    }
    expect(faultOfAlertRule('pool-dead')).toBeUndefined();
  });

  it('puts each alert with the poll’s fault it reports, else opens a fault of its own', () => {
    const polled = faultsOf({
      status: 'ok',
      telemetry: { ...healthy, temperatures: { inletC: 45, hottestChipC: 100 } },
    });
    // A hot inlet is the site's (environment); the over-temperature alert goes with it, not a board RMA.
    expect(polled.map((f) => f.ticketClass)).toEqual(['environment']);
    const alerts = [
      { alertId: 7, rule: 'over-temperature', summary: 'hottest chip 100 °C' },
      { alertId: 8, rule: 'fan-failure', summary: 'fan 2 at 900 RPM (limit 1000 RPM)' },
      { alertId: 9, rule: 'pool-dead', summary: 'none of 3 pools is alive' },
    ];
    const joined = faultsWithAlerts(polled, alerts);
    expect(joined.map((f) => [f.ticketClass, f.alerts.map((a) => a.alertId)])).toEqual([
      ['environment', [7]],
      ['fan-spare', [8]],
    ]);
    expect(joined[1]!.detail).toBe('fan 2 at 900 RPM (limit 1000 RPM)');
  });
});
