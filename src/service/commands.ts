import type { Command } from 'commander';
import { defineAction } from '../cli/command.js';
import { parseId, parseInput, pickOptions } from '../cli/input.js';
import { table } from '../cli/table.js';
import { invalid } from '../kernel/errors.js';
import { SERVICE_ACCESS as A } from './access.js';
import { listCentres, setCentre, transferParts } from './centres.js';
import { PARTS, STEPS, TICKET_CLASSES, WAIT_REASONS } from './model.js';
import { failureRatesOver, slaReport } from './reports.js';
import * as S from './schemas.js';
import { linkFleetMachine, serialiseDeliveries, serialRecord } from './serials.js';
import { getTicket, listTickets, moveTicket, openTicket, stepTicket, waitTicket } from './tickets.js';
import { setPolicy, warrantyOf } from './warranty.js';

const num = (n: number | null, digits = 1) => (n === null ? '-' : n.toFixed(digits));

/** `1-5 09:00-18:00; 6 09:00-13:00` → one entry per weekday and span. */
export function parseHours(text: string): { weekday: number; from: string; to: string }[] {
  return text
    .split(';')
    .map((part) => part.trim())
    .filter(Boolean)
    .flatMap((part) => {
      const m = /^([1-7])(?:-([1-7]))?\s+(\d\d:\d\d)-(\d\d:\d\d)$/.exec(part);
      if (!m)
        throw invalid(
          'hours',
          `hours: "${part}" must look like "1-5 09:00-18:00" (ISO weekdays, then the span).`,
        );
      const days: number[] = [];
      for (let d = Number(m[1]); d <= Number(m[2] ?? m[1]); d++) days.push(d);
      return days.map((weekday) => ({ weekday, from: m[3]!, to: m[4]! }));
    });
}

/** `hash-board:2` → a part fitted and how many. */
function parsePart(text: string) {
  const [part, qty = '1'] = text.split(':');
  return { part, qty };
}

export function registerServiceCommands(program: Command): void {
  const service = program
    .command('service')
    .description('Service network: serials, warranty, centres, tickets, RMAs, SLA');

  defineAction(
    service.command('centres').description('Repair centres, backlog and parts'),
    { role: A.read },
    async (app) => {
      const centres = await listCentres(app);
      const rows = centres.map((c) => ({
        id: c.id,
        region: c.region,
        country: c.country,
        technicians: c.technicians,
        'burn-in': c.burnInPositions,
        backlog: c.backlog,
        stock: Object.entries(c.stock)
          .map(([p, n]) => `${p} ${n}`)
          .join(', '),
        name: c.name,
      }));
      return {
        json: centres,
        text: table(rows, ['id', 'region', 'country', 'technicians', 'burn-in', 'backlog', 'stock', 'name']),
      };
    },
  );

  defineAction(
    service
      .command('centre-set')
      .description('Add or change a repair centre')
      .requiredOption('--id <id>')
      .requiredOption('--name <name>')
      .requiredOption('--region <region>')
      .requiredOption('--country <cc>', 'two letters, e.g. SG')
      .requiredOption('--technicians <n>')
      .requiredOption('--burn-in-positions <n>')
      .requiredOption('--hours <spec>', 'e.g. "1-5 09:00-18:00; 6 09:00-13:00"')
      .option('--utc-offset-minutes <m>', 'local time vs UTC', '0')
      .option('--holidays <days>', 'comma-separated days')
      .option('--repairs-per-day <n>', 'per technician, any model', '4'),
    { role: A.work },
    async (app, o) => {
      const input = parseInput(S.CentreInput, {
        ...pickOptions(o, ['id', 'name', 'region', 'country', 'technicians', 'burnInPositions']),
        repairsPerDay: { '*': Number(o.repairsPerDay) },
        calendar: {
          utcOffsetMinutes: o.utcOffsetMinutes,
          hours: parseHours(String(o.hours)),
          holidays: o.holidays
            ? String(o.holidays)
                .split(',')
                .map((d) => d.trim())
            : [],
        },
      });
      const c = await setCentre(app, app.actor, input, app.idempotencyKey);
      return { json: c, text: `centre ${c.id} (${c.name}), ${c.country}, ${c.technicians} technicians` };
    },
  );

  defineAction(
    service
      .command('parts-transfer')
      .description('Parts into a centre, new or from another centre')
      .requiredOption('--centre-id <id>')
      .requiredOption('--part <part>', PARTS.join(' | '))
      .requiredOption('--qty <n>')
      .option('--from-centre-id <id>'),
    { role: A.work },
    async (app, o) => {
      const stock = await transferParts(
        app,
        app.actor,
        parseInput(S.PartsTransfer, pickOptions(o, ['centreId', 'part', 'qty', 'fromCentreId'])),
        app.idempotencyKey,
      );
      return { json: stock, text: table(stock, ['centreId', 'part', 'onHand']) };
    },
  );

  defineAction(
    service.command('serials-sync').description('Serials for every delivered machine without one'),
    { role: A.work },
    async (app) => {
      const n = await serialiseDeliveries(app, app.actor);
      return { json: { serialised: n }, text: `${n} delivered machines given serials` };
    },
  );

  defineAction(
    service.command('serial').argument('<serial>').description('One machine by serial'),
    { role: A.read },
    async (app, _o, [serial]) => {
      const r = await serialRecord(app, parseInput(S.BySerial, { serial }).serial);
      return {
        json: r,
        text: `${r.serial}: ${r.productId} built ${r.buildMonth}, batch ${r.batch}, lot ${r.foundryLot ?? '-'}, ${r.customerId ? `customer ${r.customerId} delivered ${r.deliveredOn}` : 'not sold'}${r.fleetMachineId ? `, fleet machine ${r.fleetMachineId}` : ''}, ${r.tickets.length} tickets`,
      };
    },
  );

  defineAction(
    service
      .command('link')
      .description('Link a fleet machine to its serial')
      .requiredOption('--machine-id <id>')
      .requiredOption('--serial <serial>'),
    { role: A.fleet },
    async (app, o) => {
      const r = await linkFleetMachine(
        app,
        app.actor,
        parseInput(S.MachineLink, pickOptions(o, ['machineId', 'serial'])),
        app.idempotencyKey,
      );
      return { json: r, text: `fleet machine ${r.machineId} is ${r.serial}` };
    },
  );

  defineAction(
    service
      .command('warranty')
      .argument('<serials...>')
      .description('In warranty? for serials')
      .option('--on <day>'),
    { role: A.read },
    async (app, o, serials) => {
      const q = parseInput(S.WarrantyQuery, { serials, ...pickOptions(o, ['on']) });
      const ws = await warrantyOf(app, q.serials, q.on);
      const rows = ws.map((w) => ({
        serial: w.serial,
        known: w.known ? 'yes' : 'no',
        'in warranty': w.inWarranty ? 'yes' : 'no',
        until: w.until ?? '-',
        basis: w.basis,
        DOA: w.deadOnArrival ? 'yes' : '',
      }));
      return { json: ws, text: table(rows, ['serial', 'known', 'in warranty', 'until', 'basis', 'DOA']) };
    },
  );

  defineAction(
    service
      .command('policy-set')
      .description('Set the warranty of a model or one batch')
      .requiredOption('--product-id <id>')
      .option('--batch <batch>')
      .requiredOption('--term-days <n>')
      .requiredOption('--starts-at <when>', 'dispatch | delivery')
      .requiredOption('--doa-days <n>')
      .requiredOption('--repaired-days <n>'),
    { role: A.work },
    async (app, o) => {
      const p = await setPolicy(
        app,
        app.actor,
        parseInput(
          S.Policy,
          pickOptions(o, ['productId', 'batch', 'termDays', 'startsAt', 'doaDays', 'repairedDays']),
        ),
        app.idempotencyKey,
      );
      return {
        json: p,
        text: `${p.productId}${p.batch ? ` batch ${p.batch}` : ''}: ${p.termDays} days from ${p.startsAt}, DOA ${p.doaDays}, repaired ${p.repairedDays}`,
      };
    },
  );

  defineAction(
    service
      .command('tickets')
      .description('Tickets')
      .option('--centre-id <id>')
      .option('--customer-id <id>')
      .option('--origin <origin>', 'customer | fleet')
      .option('--open <flag>', 'true | false')
      .option('--serial <serial>')
      .option('--after <id>')
      .option('--limit <n>'),
    { role: A.tickets },
    async (app, o) => {
      const f = parseInput(
        S.TicketFilter,
        pickOptions(o, ['centreId', 'customerId', 'origin', 'open', 'serial', 'after', 'limit']),
      );
      const ts = await listTickets(app, app.actor, f);
      const rows = ts.map((t) => ({
        id: t.id,
        origin: t.origin,
        class: t.ticketClass,
        step: t.step,
        waiting: t.waitingFor ?? '',
        centre: t.centreId ?? t.site ?? '-',
        serial: t.serial ?? `machine ${t.machineId}`,
        evidence: t.evidence,
      }));
      return {
        json: ts,
        text: table(rows, ['id', 'origin', 'class', 'step', 'waiting', 'centre', 'serial', 'evidence']),
      };
    },
  );

  defineAction(
    service
      .command('open')
      .description("Open a customer's ticket")
      .requiredOption('--serial <serial>')
      .option('--ticket-class <class>', TICKET_CLASSES.join(' | '))
      .requiredOption('--summary <text>')
      .option('--customer-id <id>', 'the customer it is opened for'),
    { role: A.open },
    async (app, o) => {
      const t = await openTicket(
        app,
        app.actor,
        parseInput(S.NewTicket, pickOptions(o, ['serial', 'ticketClass', 'summary', 'customerId'])),
        app.idempotencyKey,
      );
      return {
        json: t,
        text: `ticket ${t.id} (${t.ticketClass}) for ${t.serial} at centre ${t.centreId ?? '-'}`,
      };
    },
  );

  defineAction(
    service.command('ticket').argument('<id>').description('One ticket with its steps'),
    { role: A.tickets },
    async (app, _o, [id]) => {
      const t = await getTicket(app, app.actor, parseId(id, 'id'));
      const rows = t.steps.map((s) => ({
        '#': s.seq,
        step: s.step,
        at: s.at.toISOString(),
        actor: s.actor,
        note: s.detail.note ?? '',
      }));
      return {
        json: t,
        text: `ticket ${t.id} ${t.ticketClass} ${t.step}${t.waitingFor ? ` (waiting for ${t.waitingFor})` : ''}\n${table(rows, ['#', 'step', 'at', 'actor', 'note'])}`,
      };
    },
  );

  defineAction(
    service
      .command('step')
      .argument('<id>')
      .argument('<step>', STEPS.join(' | '))
      .description('The next RMA step')
      .option('--note <text>')
      .option('--part <part:qty...>', `parts fitted, e.g. hash-board:1 (${PARTS.join(', ')})`)
      .option('--replacement-serial <serial>')
      .option('--cost-cents <n>'),
    { role: A.work },
    async (app, o, [id, step]) => {
      const parts = (o.part as string[] | undefined)?.map(parsePart);
      const input = parseInput(S.TicketStep, {
        step,
        ...pickOptions(o, ['note', 'replacementSerial', 'costCents']),
        ...(parts ? { partsUsed: parts } : {}),
      });
      const t = await stepTicket(app, app.actor, parseId(id, 'id'), input, app.idempotencyKey);
      return { json: t, text: `ticket ${t.id} is ${t.step}` };
    },
  );

  defineAction(
    service
      .command('wait')
      .argument('<id>')
      .argument('<reason>', `${WAIT_REASONS.join(' | ')} | resume`)
      .description('Stop or restart the SLA clock'),
    { role: A.work },
    async (app, _o, [id, reason]) => {
      const { reason: r } = parseInput(S.TicketWait, { reason: reason === 'resume' ? null : reason });
      const t = await waitTicket(app, app.actor, parseId(id, 'id'), r, app.idempotencyKey);
      return {
        json: t,
        text: t.waitingFor ? `ticket ${t.id} waits for ${t.waitingFor}` : `ticket ${t.id} resumed`,
      };
    },
  );

  defineAction(
    service
      .command('move')
      .argument('<id>')
      .description('Move a ticket to another centre')
      .requiredOption('--centre-id <id>')
      .requiredOption('--reason <text>'),
    { role: A.work },
    async (app, o, [id]) => {
      const t = await moveTicket(
        app,
        app.actor,
        parseId(id, 'id'),
        parseInput(S.TicketMove, pickOptions(o, ['centreId', 'reason'])),
        app.idempotencyKey,
      );
      return { json: t, text: `ticket ${t.id} is at ${t.centreId}` };
    },
  );

  defineAction(
    service
      .command('sla')
      .description('Per centre: SLA met %, turnaround, backlog, load')
      .option('--centre-id <id>'),
    { role: A.read },
    async (app, o) => {
      const r = await slaReport(app, o.centreId as string | undefined);
      const rows = r.map((c) => ({
        centre: c.centreId,
        tickets: c.tickets,
        'SLA met %': num(c.slaMetPct),
        'median d': num(c.turnaroundDays.median),
        'p90 d': num(c.turnaroundDays.p90),
        backlog: c.backlog,
        'load/tech': num(c.technicianLoad, 2),
      }));
      return {
        json: r,
        text: table(rows, ['centre', 'tickets', 'SLA met %', 'median d', 'p90 d', 'backlog', 'load/tech']),
      };
    },
  );

  defineAction(
    service
      .command('failure-rates')
      .description(
        `Failure rate per model, batch, foundry lot, class, month (at most ${S.MAX_FAILURE_MONTHS} months; default the latest 12)`,
      )
      .option('--product-id <id>')
      .option('--from <month>', 'first month opened, YYYY-MM')
      .option('--to <month>', 'last month opened, YYYY-MM'),
    { role: A.read },
    async (app, o) => {
      const answer = await failureRatesOver(
        app,
        parseInput(S.FailureRatesQuery, pickOptions(o, ['productId', 'from', 'to'])),
      );
      const rows = answer.rates.map((x) => ({
        model: x.productId,
        batch: x.batch,
        lot: x.foundryLot ?? '-',
        class: x.ticketClass,
        month: x.month,
        tickets: x.tickets,
        machines: x.machines,
        '%': x.ratePct.toFixed(2),
      }));
      return {
        json: answer,
        text: `opened ${answer.from} to ${answer.to}\n${table(rows, ['model', 'batch', 'lot', 'class', 'month', 'tickets', 'machines', '%'])}`,
      };
    },
  );
}
