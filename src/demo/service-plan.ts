/**
 * The demo's service network, planned (pure): repair centres in the regions where the demo's
 * customers and sites are, and the RMAs its delivered machines came back with — a few per cent a
 * year, more in a model's first batches, walked through every step with a realistic turnaround.
 */
import { addDays, addMonths, type Day, daysBetween, type Month } from '../kernel/calendar.js';
import { createRandom, type Random } from '../kernel/random.js';
import type { Region } from '../sales/model.js';
import type { ImportedTicket } from '../service/events.js';
import type { TicketHistory } from '../service/imports.js';
import {
  type Centre,
  chooseCentre,
  DEFAULT_POLICY,
  type DeliveredRange,
  formatSerial,
  type Part,
  type PartUse,
  type TicketClass,
  warrantyOn,
} from '../service/model.js';
import type { WorkingCalendar } from '../service/sla.js';
import { DEMO_SEED } from './script.js';

const weekdays = (from: string, to: string, days = [1, 2, 3, 4, 5]) =>
  days.map((weekday) => ({ weekday, from, to }));
const calendar = (utcOffsetMinutes: number, holidays: Day[] = []): WorkingCalendar => ({
  utcOffsetMinutes,
  hours: weekdays('09:00', '18:00'),
  holidays,
});
const newYears: Day[] = ['2019-01-01', '2020-01-01', '2021-01-01', '2022-01-01'];

/**
 * One centre in each region the demo sells to or mines in (its sites are in the US, Kazakhstan and
 * Singapore), sized to the customers there: North America and Central Asia buy the most.
 */
export const DEMO_CENTRES: (Centre & { region: Region })[] = [
  {
    id: 'DAL1',
    name: 'Dallas repair centre',
    region: 'north-america',
    country: 'US',
    technicians: 14,
    repairsPerDay: { '*': 4 },
    burnInPositions: 240,
    calendar: calendar(-360, newYears),
  },
  {
    id: 'ALA1',
    name: 'Almaty repair centre',
    region: 'central-asia',
    country: 'KZ',
    technicians: 10,
    repairsPerDay: { '*': 4 },
    burnInPositions: 160,
    calendar: calendar(360, newYears),
  },
  {
    id: 'STO1',
    name: 'Stockholm repair centre',
    region: 'europe',
    country: 'SE',
    technicians: 6,
    repairsPerDay: { '*': 4 },
    burnInPositions: 80,
    calendar: calendar(60, newYears),
  },
  {
    id: 'SIN1',
    name: 'Singapore repair centre',
    region: 'asia-pacific',
    country: 'SG',
    technicians: 8,
    repairsPerDay: { '*': 4 },
    burnInPositions: 120,
    calendar: calendar(480, newYears),
  },
  {
    id: 'ASU1',
    name: 'Asunción repair centre',
    region: 'latin-america',
    country: 'PY',
    technicians: 4,
    repairsPerDay: { '*': 3 },
    burnInPositions: 40,
    calendar: calendar(-180, newYears),
  },
  {
    id: 'DXB1',
    name: 'Dubai repair centre',
    region: 'middle-east',
    country: 'AE',
    technicians: 3,
    repairsPerDay: { '*': 3 },
    burnInPositions: 30,
    calendar: calendar(240, newYears),
  },
  {
    id: 'ADD1',
    name: 'Addis Ababa repair point',
    region: 'africa',
    country: 'ET',
    technicians: 2,
    repairsPerDay: { '*': 3 },
    burnInPositions: 12,
    calendar: calendar(180, newYears),
  },
];

/** Parts each centre starts with, per technician. */
export const PARTS_PER_TECHNICIAN: Record<Part, number> = {
  'hash-board': 12,
  psu: 8,
  fan: 24,
  controller: 4,
};

/** Yearly failure rate of a mature batch, and of a model's first two build months. */
export const MATURE_RATE = 0.03;
export const FIRST_BATCH_RATE = 0.09;
/** Share of a batch dead on arrival (within the DOA window). */
const DOA_MATURE = 0.004;
const DOA_FIRST = 0.015;
/** How long a machine is watched for faults after delivery: the sale's warranty and a year more. */
const WATCH_DAYS = 730;

const CLASSES: readonly (readonly [TicketClass, number])[] = [
  ['board-rma', 0.55],
  ['psu', 0.2],
  ['fan-spare', 0.15],
  ['controller', 0.1],
];
const PART_OF: Record<string, Part> = {
  'board-rma': 'hash-board',
  psu: 'psu',
  'fan-spare': 'fan',
  controller: 'controller',
};
/** What a part costs the company when fitted under warranty, US cents. */
const PART_CENTS: Record<Part, bigint> = {
  'hash-board': 28_000n,
  psu: 9_000n,
  fan: 1_500n,
  controller: 6_000n,
};
const BENCH_CENTS = 4_000n; // a technician's hours on one machine
const SUMMARY: Record<string, string> = {
  'board-rma': 'a hash board stopped hashing',
  psu: 'the power supply shuts down under load',
  'fan-spare': 'a fan is noisy and slows down',
  controller: 'the controller does not boot',
};

export interface ServicePlanInput {
  delivered: readonly DeliveredRange[];
  customers: ReadonlyMap<number, { country: string; region: string }>;
  /** Each model's first build month: its first two are the "first batches". */
  firstBuild: ReadonlyMap<string, Month>;
  /** Serials from stock (never delivered) that replacements may take, per model. */
  spares: (productId: string, count: number) => string[];
  until: Day;
}

interface Fault {
  range: DeliveredRange;
  seq: number;
  day: Day;
  doa: boolean;
}

const HOUR = 3_600_000;

/** Faults of one delivered range: how many from its expected count, which serials, which days. */
function faultsOf(rng: Random, r: DeliveredRange, firstBuild: Month | undefined, until: Day): Fault[] {
  const units = r.last - r.first + 1;
  const early = firstBuild !== undefined && r.month <= addMonths(firstBuild, 1);
  const watchEnd = [addDays(r.deliveredOn, WATCH_DAYS), until].sort()[0]!;
  const days = Math.max(0, daysBetween(r.deliveredOn, watchEnd));
  const expected =
    units * ((early ? FIRST_BATCH_RATE : MATURE_RATE) * (days / 365) + (early ? DOA_FIRST : DOA_MATURE));
  const count = Math.floor(expected) + (rng.chance(expected % 1) ? 1 : 0);
  const out: Fault[] = [];
  for (let i = 0; i < count; i++) {
    const doa = rng.chance((early ? DOA_FIRST : DOA_MATURE) / (expected / units));
    const after = doa ? rng.int(0, 29) : rng.int(0, Math.max(0, days - 1));
    out.push({ range: r, seq: rng.int(r.first, r.last), day: addDays(r.deliveredOn, after), doa });
  }
  return out;
}

function pickClass(rng: Random): TicketClass {
  let x = rng.next();
  for (const [c, share] of CLASSES) {
    if (x < share) return c;
    x -= share;
  }
  return 'board-rma';
}

/**
 * One RMA from request to close: authorised within a working day or so, shipped in to the centre
 * (customs on the way when it crosses a border), diagnosed, sometimes waiting for parts, repaired,
 * swapped or replaced (a dead-on-arrival machine is replaced), burned in, shipped back, closed.
 */
function historyOf(
  rng: Random,
  f: Fault,
  centre: Centre,
  customerCountry: string,
  spare: () => string | undefined,
): TicketHistory {
  const serial = formatSerial({ productId: f.range.productId, month: f.range.month, seq: f.seq });
  const ticketClass = pickClass(rng);
  const part = PART_OF[ticketClass]!;
  let at = Date.parse(`${f.day}T00:00:00Z`) + rng.int(6, 20) * HOUR;
  const opened = new Date(at).toISOString();
  const steps: ImportedTicket['steps'] = [];
  const push = (step: ImportedTicket['steps'][number]['step'], hours: number, extra = {}) => {
    at += hours * HOUR;
    steps.push({
      ticketId: 0,
      step,
      at: new Date(at).toISOString(),
      actor: 'demo:service',
      detail: {},
      ...extra,
    });
  };
  push('authorised', rng.int(2, 30));
  if (customerCountry !== centre.country && rng.chance(0.25)) {
    push('waiting', rng.int(24, 96), { waitingFor: 'customs' });
    push('resumed', rng.int(24, 24 * 6));
  }
  push('received', rng.int(24 * 2, 24 * 7));
  const diagnosedAt = new Date(at + rng.int(4, 40) * HOUR);
  const warranty = warrantyOn(
    {
      policy: { productId: f.range.productId, batch: null, ...DEFAULT_POLICY },
      delivery: f.range,
      repairsShippedOn: [],
    },
    diagnosedAt.toISOString().slice(0, 10) as Day,
  ).inWarranty;
  push('diagnosed', (diagnosedAt.getTime() - at) / HOUR, { detail: { warranty } });
  if (!warranty && rng.chance(0.3)) {
    push('rejected', rng.int(2, 24), {
      detail: { note: 'out of warranty; the customer declined a paid repair' },
    });
    return { opened: openedOf(f, serial, ticketClass, centre, opened), steps };
  }
  if (rng.chance(0.18)) {
    push('waiting', rng.int(1, 6), { waitingFor: 'parts' });
    push('resumed', rng.int(24 * 2, 24 * 12));
  }
  const replacement = f.doa || rng.chance(0.06) ? spare() : undefined;
  const fitted: PartUse[] = [{ part, qty: part === 'fan' ? rng.int(1, 2) : 1 }];
  const partsCents = fitted.reduce((n, p) => n + PART_CENTS[p.part] * BigInt(p.qty), 0n);
  if (replacement) {
    push('replaced', rng.int(4, 24), {
      detail: { replacementSerial: replacement, note: 'a new unit from stock' },
    });
  } else if (rng.chance(0.35)) {
    push('parts-swapped', rng.int(2, 24), {
      detail: { partsUsed: fitted, ...(warranty ? { costCents: partsCents + BENCH_CENTS } : {}) },
    });
  } else {
    push('repaired', rng.int(4, 72), {
      detail: { note: 'board-level repair', ...(warranty ? { costCents: BENCH_CENTS * 2n } : {}) },
    });
  }
  push('burn-in', rng.int(4, 30));
  push('shipped', rng.int(2, 24));
  push('closed', rng.int(24 * 3, 24 * 10));
  return { opened: openedOf(f, serial, ticketClass, centre, opened), steps };
}

function openedOf(
  f: Fault,
  serial: string,
  ticketClass: TicketClass,
  centre: Centre,
  at: string,
): TicketHistory['opened'] {
  return {
    origin: 'customer',
    ticketClass,
    serial,
    productId: f.range.productId,
    customerId: f.range.customerId,
    machineId: null,
    site: null,
    centreId: centre.id,
    summary: f.doa ? `dead on arrival: ${SUMMARY[ticketClass]}` : SUMMARY[ticketClass]!,
    at,
    evidence: null,
  };
}

/**
 * Every RMA the demo's customers raised up to `until`, oldest first, each routed to the centre in
 * its customer's country or region (the demo's centres are never full), and only those finished by
 * `until`'s end: the demo's history is complete, its live tickets come from the rack's faults.
 */
export function planServiceHistory(input: ServicePlanInput): TicketHistory[] {
  const rng = createRandom(`${DEMO_SEED}:service`);
  const loads = DEMO_CENTRES.map((c) => ({ ...c, backlog: 0 }));
  const faults = input.delivered
    .flatMap((r) => faultsOf(rng, r, input.firstBuild.get(r.productId), input.until))
    .sort((a, b) => (a.day < b.day ? -1 : a.day > b.day ? 1 : 0));
  const spares = new Map<string, string[]>();
  for (const [productId, n] of countBy(faults.map((f) => f.range.productId)))
    spares.set(productId, input.spares(productId, Math.ceil(n * 0.2)));
  const end = Date.parse(`${input.until}T23:59:59Z`);
  const out: TicketHistory[] = [];
  for (const f of faults) {
    const customer = input.customers.get(f.range.customerId);
    if (!customer) continue;
    const centre = chooseCentre(loads, customer, f.range.productId)!;
    const h = historyOf(rng, f, DEMO_CENTRES.find((c) => c.id === centre.id)!, customer.country, () =>
      spares.get(f.range.productId)?.shift(),
    );
    if (Date.parse(h.steps.at(-1)!.at) <= end) out.push(h);
  }
  return out;
}

function countBy(keys: readonly string[]): Map<string, number> {
  const m = new Map<string, number>();
  for (const k of keys) m.set(k, (m.get(k) ?? 0) + 1);
  return m;
}
