import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  afterPoll,
  bucketStart,
  catalogueProductOf,
  checkWorkMode,
  commandsFor,
  confirmEffect,
  emptyTally,
  ipToNumber,
  type MachineStatus,
  modelNominalThs,
  notAsAsked,
  numberToIp,
  parseFilterText,
  parseRange,
  sweepClaimLapsed,
  tally,
  workModesOf,
} from './model.js';
import { MODELS } from './protocol/simulator-models.js';

describe('address ranges', () => {
  it('reads CIDR blocks, dash ranges and single addresses', () => {
    expect(parseRange('127.1.0.0/20')).toMatchObject({ first: ipToNumber('127.1.0.0'), count: 4096 });
    expect(parseRange('10.1.0.7/24')).toMatchObject({ first: ipToNumber('10.1.0.0'), count: 256 });
    expect(parseRange('10.0.0.250-10.0.1.4').count).toBe(11);
    expect(parseRange('10.0.0.9').count).toBe(1);
  });

  it('refuses what is not a range, naming the field, and anything over a /16', () => {
    expect(() => parseRange('10.0.0/8')).toThrow(/range must be/);
    expect(() => parseRange('10.0.0.300')).toThrow(/range must be an IPv4 address/);
    expect(() => parseRange('10.0.0.0/33')).toThrow(/prefix length/);
    expect(() => parseRange('10.0.0.0/15')).toThrow(/131,072 addresses/);
    expect(() => parseRange('10.0.0.9-10.0.0.1')).toThrow(/comes before/);
  });

  it('turns addresses into numbers and back', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 2 ** 32 - 1 }), (n) => {
        expect(ipToNumber(numberToIp(n))).toBe(n);
      }),
    );
  });
});

describe('status after a poll', () => {
  const ok = (status: MachineStatus | undefined, reason = 'fine') =>
    ({ ok: true, status, reason }) as Parameters<typeof afterPoll>[1];
  const fail = { ok: false, failure: 'ECONNREFUSED' } as const;

  it('records a change only when the status moves, with the reason', () => {
    expect(afterPoll({ status: 'new', consecutiveFailures: 0 }, ok('ok')).change).toEqual({
      from: 'new',
      to: 'ok',
      reason: 'fine',
    });
    expect(afterPoll({ status: 'ok', consecutiveFailures: 0 }, ok('ok')).change).toBeUndefined();
    const hot = afterPoll({ status: 'ok', consecutiveFailures: 1 }, ok('overheating', 'hottest chip 104 °C'));
    expect(hot).toMatchObject({ status: 'overheating', consecutiveFailures: 0 });
    expect(hot.change?.reason).toBe('hottest chip 104 °C');
  });

  it('keeps the status through failures until the limit, then goes offline once', () => {
    let c = { status: 'ok' as MachineStatus, consecutiveFailures: 0 };
    const changes: string[] = [];
    for (let i = 0; i < 5; i++) {
      const next = afterPoll(c, fail, 3);
      if (next.change) changes.push(`${next.change.from}->${next.change.to}: ${next.change.reason}`);
      c = next;
    }
    expect(c).toMatchObject({ status: 'offline', consecutiveFailures: 5 });
    expect(changes).toEqual(['ok->offline: no answer to 3 polls in a row; last: ECONNREFUSED']);
    const back = afterPoll(c, ok('ok', 'hashing'));
    expect(back.change).toEqual({ from: 'offline', to: 'ok', reason: 'answering again; hashing' });
  });

  it('never leaves offline on failures and never stays offline on an answer', () => {
    const statuses = fc.constantFrom<MachineStatus>('new', 'ok', 'degraded', 'idle', 'offline', 'board-down');
    fc.assert(
      fc.property(statuses, fc.array(fc.boolean(), { maxLength: 30 }), (start, answers) => {
        let c = { status: start, consecutiveFailures: 0 };
        for (const a of answers) {
          const prev = c.status;
          const next = afterPoll(c, a ? ok('ok') : fail, 3);
          if (a) expect(next.status).toBe('ok');
          if (!a && prev === 'offline') expect(next.status).toBe('offline');
          expect(next.change === undefined).toBe(next.status === prev);
          c = next;
        }
      }),
    );
  });
});

describe('totals', () => {
  it('counts stale machines at their last good hashrate and leaves offline ones out, never as zero', () => {
    const t = emptyTally();
    tally(t, { answered: true, status: 'ok', lastGoodThs: 90 });
    tally(t, { answered: false, status: 'ok', lastGoodThs: 88 });
    tally(t, { answered: false, status: 'offline', lastGoodThs: 81 });
    tally(t, { answered: true, status: 'idle', lastGoodThs: 0 });
    expect(t).toEqual({ machines: 4, reporting: 2, stale: 1, offline: 1, ths: 178 });
  });

  it('puts instants in their bucket', () => {
    expect(bucketStart(new Date('2021-01-15T10:07:59Z'), 5).toISOString()).toBe('2021-01-15T10:05:00.000Z');
    expect(bucketStart(new Date('2021-01-15T10:07:59Z'), 1).toISOString()).toBe('2021-01-15T10:07:00.000Z');
  });
});

describe('control', () => {
  const now = new Date('2021-01-15T00:00:00Z');
  it('speaks Avalon for each action', () => {
    expect(commandsFor({ kind: 'soft-off' }, now)).toEqual([
      { command: 'ascset', parameter: '0,softoff,1:1610668800' },
    ]);
    expect(commandsFor({ kind: 'soft-on' }, now)).toEqual([
      { command: 'ascset', parameter: '0,softon,1:1610668800' },
    ]);
    expect(commandsFor({ kind: 'reboot' }, now)).toEqual([{ command: 'ascset', parameter: '0,reboot,0' }]);
    expect(commandsFor({ kind: 'work-mode', mode: 1 }, now)).toEqual([
      { command: 'ascset', parameter: '0,workmode,1' },
      { command: 'ascset', parameter: '0,reboot,0' },
    ]);
    expect(commandsFor({ kind: 'pool', pool: 2 }, now)).toEqual([{ command: 'switchpool', parameter: '2' }]);
  });

  it('confirms only what the read-back shows', () => {
    const t = (x: object) => ({ sources: [], repairs: [], ...x });
    expect(
      confirmEffect({ kind: 'soft-off' }, undefined, t({ status: 'idle', softOff: true })).confirmed,
    ).toBe(true);
    expect(confirmEffect({ kind: 'soft-off' }, undefined, t({ status: 'ok' })).confirmed).toBe(false);
    expect(confirmEffect({ kind: 'soft-off' }, undefined, undefined).confirmed).toBe(false);
    expect(confirmEffect({ kind: 'soft-on' }, undefined, t({ status: 'ok', softOff: false })).confirmed).toBe(
      true,
    );
    expect(confirmEffect({ kind: 'reboot' }, t({ uptimeSeconds: 900 }), undefined).confirmed).toBe(true);
    expect(
      confirmEffect({ kind: 'reboot' }, t({ uptimeSeconds: 900 }), t({ uptimeSeconds: 4 })).confirmed,
    ).toBe(true);
    expect(
      confirmEffect({ kind: 'reboot' }, t({ uptimeSeconds: 900 }), t({ uptimeSeconds: 905 })).confirmed,
    ).toBe(false);
    expect(confirmEffect({ kind: 'work-mode', mode: 1 }, undefined, t({ workMode: 1 })).confirmed).toBe(true);
    const pools = [
      { index: 0, url: 'stratum+tcp://a:3333', priority: 1 },
      { index: 1, url: 'stratum+tcp://b:3333', priority: 0, active: true },
    ];
    expect(confirmEffect({ kind: 'pool', pool: 1 }, undefined, t({ pools })).confirmed).toBe(true);
    expect(confirmEffect({ kind: 'pool', pool: 0 }, undefined, t({ pools })).confirmed).toBe(false);
  });

  it('reads filters as typed on the command line', () => {
    expect(parseFilterText('status=overheating,site=SG1')).toEqual({ status: 'overheating', site: 'SG1' });
    expect(() => parseFilterText('status')).toThrow(/filter must look like/);
  });
});

describe('the running-sweep slot', () => {
  it('ends with its sweeper: at once when its process is dead, after a minute of silence when it cannot be checked', () => {
    expect(sweepClaimLapsed({ ownerAlive: false, silentMs: 0 })).toBe(true);
    expect(sweepClaimLapsed({ ownerAlive: undefined, silentMs: 30_000 })).toBe(false);
    expect(sweepClaimLapsed({ ownerAlive: undefined, silentMs: 61_000 })).toBe(true);
    // A live pid keeps it through a long stall (a socket client holding the embedded database)…
    expect(sweepClaimLapsed({ ownerAlive: true, silentMs: 5 * 60_000 })).toBe(false);
    // …but not forever: the pid may belong to another process by now.
    expect(sweepClaimLapsed({ ownerAlive: true, silentMs: 16 * 60_000 })).toBe(true);
  });
});

describe('the catalogue product of a fleet model', () => {
  const products = [
    { id: 'A1047', name: 'AvalonMiner 1047' },
    { id: 'A1246', name: 'AvalonMiner 1246' },
    { id: 'S19P', name: 'Antminer S19 Pro' },
  ];

  it('reads an Avalon name by its series, with or without its TH/s bin', () => {
    expect(catalogueProductOf('1246-83', products)).toBe('A1246');
    expect(catalogueProductOf('AvalonMiner 1246-90', products)).toBe('A1246');
    expect(catalogueProductOf('1047', products)).toBe('A1047');
  });

  it('takes a product by its id or its whole name', () => {
    expect(catalogueProductOf('A1047', products)).toBe('A1047');
    expect(catalogueProductOf('Antminer S19 Pro', products)).toBe('S19P');
  });

  it('names none for a model the company does not make', () => {
    expect(catalogueProductOf('15-194', products)).toBeUndefined();
    expect(catalogueProductOf('Antminer S21', products)).toBeUndefined();
    expect(catalogueProductOf(null, products)).toBeUndefined();
  });

  it('keeps the nominal TH/s only where the name states a bin', () => {
    expect(modelNominalThs('1246-83')).toBe(83);
    expect(modelNominalThs('1047')).toBeUndefined();
  });
});

describe('work modes', () => {
  const refusal = (mode: number, model: string | null) => {
    try {
      checkWorkMode({ kind: 'work-mode', mode }, [model]);
      return undefined;
    } catch (e) {
      return (e as { field?: string }).field;
    }
  };

  it("knows the modes of the simulator's models, the same count the simulator takes", () => {
    for (const spec of Object.values(MODELS)) {
      expect(workModesOf(spec.model)?.length, spec.model).toBe(spec.modes.length);
      expect(workModesOf(spec.prod)?.length, spec.prod).toBe(spec.modes.length);
    }
  });

  it("refuses a known model's unknown mode, and what is no mode for any model", () => {
    expect(refusal(2, '15-194')).toBe('action.mode');
    expect(refusal(1, '15-194')).toBeUndefined();
    for (const mode of [-1, 1.5, 10_000])
      expect(refusal(mode, 'Antminer S19'), String(mode)).toBe('action.mode');
  });

  it('leaves an Avalon model whose modes are not known to its miner (public firmware takes 2 on some)', () => {
    for (const model of ['15-200', '1366-104', 'AvalonMiner 1466', 'Antminer S19', null])
      expect(refusal(2, model), String(model)).toBeUndefined();
  });
});

describe('a machine against its wanted power', () => {
  it('is not as asked when answering and hashing while meant off, or answering idle while meant on', () => {
    const answered = (status: string) => ({ status, consecutiveFailures: 0 });
    for (const status of ['ok', 'degraded', 'overheating', 'fan-failure', 'board-down'])
      expect(notAsAsked('off', answered(status)), status).toBe('hashing-while-meant-off');
    for (const status of ['idle', 'offline', 'new', 'protocol-error'])
      expect(notAsAsked('off', answered(status)), status).toBeUndefined();
    expect(notAsAsked('on', answered('idle'))).toBe('not-hashing-while-meant-on');
    for (const status of ['ok', 'degraded', 'new', 'protocol-error'])
      expect(notAsAsked('on', answered(status)), status).toBeUndefined();
    // Not answering: offline (or soon) is its own status and alert, whatever was asked.
    expect(notAsAsked('on', { status: 'offline', consecutiveFailures: 3 })).toBeUndefined();
    expect(notAsAsked('on', { status: 'idle', consecutiveFailures: 1 })).toBeUndefined();
    expect(notAsAsked('off', { status: 'ok', consecutiveFailures: 1 })).toBeUndefined();
    // Never asked: its status alone says what is wrong with it.
    expect(notAsAsked(undefined, { status: 'offline', consecutiveFailures: 3 })).toBeUndefined();
    expect(notAsAsked(undefined, { status: 'idle', consecutiveFailures: 0 })).toBeUndefined();
  });
});
