import { PassThrough } from 'node:stream';
import type { AppContext } from '../app/context.js';
import type { HttpApp } from '../http/app.js';
import { AppError } from '../kernel/errors.js';
import { toWireJson } from '../kernel/json.js';
import { PLANNING_ACCESS } from './access.js';
import { ScenarioRunView, ScenarioView, ScenarioViews } from './responses.js';
import { RunQuery, ScenarioBody, ScenarioParams } from './schemas.js';
import { getScenario, listScenarios, runScenario, saveScenario } from './service.js';

const tags = ['planning'];

export function registerPlanningRoutes(app: HttpApp, ctx: AppContext): void {
  app.post(
    '/api/planning/scenarios',
    {
      config: { role: PLANNING_ACCESS.save },
      schema: {
        tags,
        summary: 'Save a scenario: its as-of date, horizon, price model, shocks, paths and seed',
        body: ScenarioBody,
        response: { 201: ScenarioView },
      },
    },
    async (req, reply) => {
      reply.code(201);
      return saveScenario(ctx, req.actor, req.body, req.idempotencyKey);
    },
  );
  app.get(
    '/api/planning/scenarios',
    {
      config: { role: PLANNING_ACCESS.read },
      schema: { tags, summary: 'Saved scenarios, newest first', response: { 200: ScenarioViews } },
    },
    async () => listScenarios(ctx),
  );
  app.get(
    '/api/planning/scenarios/:id',
    {
      config: { role: PLANNING_ACCESS.read },
      schema: {
        tags,
        summary: 'One saved scenario',
        params: ScenarioParams,
        response: { 200: ScenarioView },
      },
    },
    async (req) => getScenario(ctx, req.params.id),
  );
  app.get(
    '/api/planning/scenarios/:id/results',
    {
      config: { role: PLANNING_ACCESS.read },
      schema: {
        tags,
        summary:
          'Run a saved scenario: percentiles per month, cash risk, the deterministic cases and the back-test. ' +
          'With stream=true, NDJSON: {"progress":{"done","total"}} lines, then {"result":…} (or {"error":…})',
        params: ScenarioParams,
        querystring: RunQuery,
        response: { 200: ScenarioRunView },
      },
    },
    async (req, reply) => {
      if (req.query.stream !== 'true') return runScenario(ctx, req.params.id);
      await getScenario(ctx, req.params.id); // an unknown id is a 404, before the stream starts
      const out = new PassThrough();
      const line = (x: unknown) => out.write(`${toWireJson(x)}\n`);
      void runScenario(ctx, req.params.id, (done, total) => line({ progress: { done, total } }))
        .then((result) => line({ result }))
        .catch((error: unknown) => {
          if (!(error instanceof AppError)) req.log.error(error);
          line({
            error:
              error instanceof AppError
                ? { code: error.code, message: error.message }
                : { message: 'failed' },
          });
        })
        .finally(() => out.end());
      // The declared reply is the JSON form; the NDJSON stream goes out as it is written.
      return reply.type('application/x-ndjson').send(out as never);
    },
  );
}
