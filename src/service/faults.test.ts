import { describe, expect, it } from 'vitest';
import {
  classOfAlertRule,
  EVIDENCE_REMINDER_MS,
  evidenceDue,
  FAULT_CATALOGUE,
  faultsOf,
  faultsWithAlerts,
} from './faults.js';

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
      const ticketClass = classOfAlertRule(rule);
      expect(ticketClass, rule).toBeDefined();
      expect(
        Object.values(FAULT_CATALOGUE).some((f) => f.alertRule === rule && f.ticketClass === ticketClass),
      ).toBe(true);
    }
    expect(classOfAlertRule('board-down')).toBe('board-rma');
    expect(classOfAlertRule('pool-dead')).toBeUndefined();
  });

  it('puts each alert with the poll’s fault it reports or of its class; an alert alone opens nothing', () => {
    const polled = faultsOf({
      status: 'ok',
      telemetry: {
        ...healthy,
        boards: [1, 2, 3].map((index) => ({ index, hashrateThs: 30, chips: index === 2 ? 100 : 120 })),
        temperatures: { inletC: 45, hottestChipC: 100 },
      },
      expected: { hashboards: 3, chipsPerMachine: 360 },
    });
    // A hot inlet is the site's (environment); the over-temperature alert goes with it, not a board RMA.
    expect(polled.map((f) => [f.ticketClass, f.code])).toEqual([
      ['board-rma', 'chips-missing'],
      ['environment', 'inlet-hot'],
    ]);
    const alerts = [
      { alertId: 6, rule: 'board-down' },
      { alertId: 7, rule: 'over-temperature' },
      { alertId: 8, rule: 'fan-failure' },
      { alertId: 9, rule: 'pool-dead' },
    ];
    const joined = faultsWithAlerts(polled, alerts);
    // The board-down alert joins the poll's board RMA (same class); the fan alert, which the
    // poll's fan speeds do not bear out, and the pool alert open no ticket.
    expect(joined.map((f) => [f.ticketClass, f.alerts.map((a) => a.alertId)])).toEqual([
      ['board-rma', [6]],
      ['environment', [7]],
    ]);
  });

  it('adds a persisting fault’s poll to its ticket only when what it shows changes, an alert joins, or hourly', () => {
    const boards = (down: number[], hottest: number) => ({
      status: 'board-down',
      telemetry: {
        ...healthy,
        boards: [1, 2, 3].map((index) => ({ index, hashrateThs: down.includes(index) ? 0 : 30, chips: 120 })),
        temperatures: { inletC: 25, hottestChipC: hottest },
      },
    });
    const [first] = faultsOf(boards([2], 80));
    const last = { reply: boards([2], 80), at: new Date('2021-01-15T10:00:00Z') };
    const due = (
      report: ReturnType<typeof boards>,
      seconds: number,
      alerts: { alertId: number; rule: string }[] = [],
    ) =>
      evidenceDue(
        { ...faultsOf(report)[0]!, alerts },
        { ...last, fault: faultsOf(last.reply).find((f) => f.ticketClass === first!.ticketClass) },
        new Date(last.at.getTime() + seconds * 1000),
      );
    // The same board down on the next sweep, however its readings moved: nothing new to add.
    expect(due(boards([2], 84), 10)).toBe(false);
    // Another board down (what it shows) or an alert to take up: added.
    expect(due(boards([2, 3], 80), 10)).toBe(true);
    expect(due(boards([2], 80), 10, [{ alertId: 4, rule: 'board-down' }])).toBe(true);
    // Persisting an hour: one reminder.
    expect(due(boards([2], 80), EVIDENCE_REMINDER_MS / 1000 - 1)).toBe(false);
    expect(due(boards([2], 80), EVIDENCE_REMINDER_MS / 1000)).toBe(true);
    // A ticket with no poll of its own yet (imported): the first poll is added.
    expect(evidenceDue({ ...first!, alerts: [] }, undefined, last.at)).toBe(true);
  });
});
