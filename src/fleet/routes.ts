import type { AppContext } from '../app/context.js';
import type { HttpApp } from '../http/app.js';
import { sendCsv } from '../http/csv-reply.js';
import { lineStream, StreamQuery } from '../http/ndjson.js';
import { CsvReply } from '../kernel/reply-schemas.js';
import { FLEET_ACCESS } from './access.js';
import { type ControlOptions, controlStatus, refuseIfNoneDidIt } from './control.js';
import { machinesCsv } from './export.js';
import {
  ControlReport,
  FleetSummary,
  HashrateSeries,
  MachineHistory,
  MachineListPage,
  ScanResult,
  StatusEventPage,
  SweepReport,
} from './responses.js';
import {
  ById,
  ControlBody,
  EventsQuery,
  HashrateQuery,
  MachineHistoryQuery,
  MachinePage,
  MachineQuery,
  PollBody,
  ScanBody,
  SummaryQuery,
} from './schemas.js';
import {
  controlMachines,
  fleetSummary,
  listMachines,
  listStatusEvents,
  machineHistory,
  measuredHashrateSeries,
  scanRange,
  sweepAndReconcile,
} from './service.js';

const tags = ['fleet'];

export function registerFleetRoutes(app: HttpApp, ctx: AppContext): void {
  app.get(
    '/api/fleet/machines',
    {
      config: { role: FLEET_ACCESS.read },
      schema: {
        tags,
        summary: 'Registered machines with their latest state, a page at a time (cursor, limit)',
        querystring: MachinePage,
        response: { 200: MachineListPage },
      },
    },
    async (req) => listMachines(ctx, req.query),
  );
  app.get(
    '/api/fleet/machines.csv',
    {
      config: { role: FLEET_ACCESS.read },
      schema: {
        tags,
        summary: 'Every machine the filters and search match, as CSV for a spreadsheet, streamed',
        querystring: MachineQuery,
        response: { 200: CsvReply },
      },
    },
    async (req, reply) => sendCsv(reply, 'machines.csv', await machinesCsv(ctx, req.query)),
  );
  app.get(
    '/api/fleet/machines/:id',
    {
      config: { role: FLEET_ACCESS.read },
      schema: {
        tags,
        summary: 'One machine: latest telemetry, 5-minute series and status changes',
        params: ById,
        querystring: MachineHistoryQuery,
        response: { 200: MachineHistory },
      },
    },
    async (req) => machineHistory(ctx, req.params.id, req.query),
  );
  app.get(
    '/api/fleet/hashrate',
    {
      config: { role: FLEET_ACCESS.read },
      schema: {
        tags,
        summary: 'Measured hashrate per minute, for one site or the fleet',
        querystring: HashrateQuery,
        response: { 200: HashrateSeries },
      },
    },
    async (req) => measuredHashrateSeries(ctx, req.query),
  );
  app.get(
    '/api/fleet/events',
    {
      config: { role: FLEET_ACCESS.read },
      schema: {
        tags,
        summary: 'Machine status changes with when and why, newest first',
        querystring: EventsQuery,
        response: { 200: StatusEventPage },
      },
    },
    async (req) => listStatusEvents(ctx, req.query),
  );
  app.get(
    '/api/fleet/summary',
    {
      config: { role: FLEET_ACCESS.read },
      schema: {
        tags,
        summary: 'Machines by status and measured TH/s per site and in total (of one site with site)',
        querystring: SummaryQuery,
        response: { 200: FleetSummary },
      },
    },
    async (req) => fleetSummary(ctx, req.query),
  );
  app.post(
    '/api/fleet/control',
    {
      config: { role: FLEET_ACCESS.operate },
      schema: {
        tags,
        summary:
          'Soft off/on, reboot, work mode, pool switch or pool add for selected machines; confirmed per machine: 200 when every machine did it, 207 when some did, 409 (the report in error.detail) when none did. ' +
          'With stream=true, NDJSON as machines confirm: {"started":{controlId,description,requested}}, then {"progress":{"done","total"},"result":{…}} per machine, then {"report":…,"status":200|207|409} (or {"error":…}); a refusal (an empty selection) is still a 4xx before any line',
        querystring: StreamQuery,
        body: ControlBody,
        response: { 200: ControlReport, 207: ControlReport },
      },
    },
    async (req, reply) => {
      const opts: ControlOptions = { idempotencyKey: req.idempotencyKey };
      if (req.query.stream !== 'true') {
        const report = await controlMachines(ctx, req.actor, req.body, opts);
        refuseIfNoneDidIt(report);
        if (report.failed > 0) reply.code(207);
        return report;
      }
      const stream = lineStream();
      let started = () => {};
      const recorded = new Promise<void>((resolve) => {
        started = resolve;
      });
      const run = controlMachines(ctx, req.actor, req.body, {
        ...opts,
        onStarted: (s) => {
          stream.line({ started: s });
          started();
        },
        onResult: (result, done, total) => stream.line({ progress: { done, total }, result }),
      });
      // Until the request is recorded nothing is sent: a refusal then is the 4xx it is, with no stream.
      await Promise.race([recorded, run]);
      return stream.send(
        reply,
        run.then((report) => ({ report, status: controlStatus(report) })),
        req.log,
      );
    },
  );
  app.post(
    '/api/fleet/scans',
    {
      config: { role: FLEET_ACCESS.operate },
      schema: {
        tags,
        summary: 'Scan an address range and register the miners found at a site',
        body: ScanBody,
        response: { 201: ScanResult },
      },
    },
    async (req, reply) => {
      reply.code(201);
      return scanRange(ctx, req.actor, req.body);
    },
  );
  app.post(
    '/api/fleet/polls',
    {
      config: { role: FLEET_ACCESS.operate },
      schema: {
        tags,
        summary: 'Sweep every registered machine once, now',
        body: PollBody.optional(),
        response: { 201: SweepReport },
      },
    },
    async (req, reply) => {
      const settings = ctx.config.fleet;
      const result = await sweepAndReconcile(ctx, req.actor, {
        offlineAfter: req.body?.offlineAfter ?? settings.offlineAfter,
        retention: settings.retention,
        concurrency: settings.concurrency,
      });
      reply.code(201);
      return result;
    },
  );
}
