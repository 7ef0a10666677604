import type { AppContext } from '../app/context.js';
import type { HttpApp } from '../http/app.js';
import { lineStream, StreamQuery } from '../http/ndjson.js';
import { PLANNING_ACCESS } from './access.js';
import { ScenarioRunView, ScenarioView, ScenarioViews } from './responses.js';
import { ScenarioBody, ScenarioParams } from './schemas.js';
import { getScenario, listScenarios, runScenario, saveScenario, scenarioResults } from './service.js';

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
  app.post(
    '/api/planning/scenarios/:id/run',
    {
      config: { role: PLANNING_ACCESS.run },
      schema: {
        tags,
        summary:
          'Run a saved scenario and store its results: percentiles per month, cash risk, the deterministic cases and the back-test. ' +
          'With stream=true, NDJSON: {"progress":{"done","total"}} lines, then {"result":…} (or {"error":…})',
        params: ScenarioParams,
        querystring: StreamQuery,
        response: { 200: ScenarioRunView },
      },
    },
    async (req, reply) => {
      if (req.query.stream !== 'true') return runScenario(ctx, req.actor, req.params.id);
      await getScenario(ctx, req.params.id); // an unknown id is a 404, before the stream starts
      const stream = lineStream();
      const run = runScenario(ctx, req.actor, req.params.id, (done, total) =>
        stream.line({ progress: { done, total } }),
      );
      return stream.send(
        reply,
        run.then((result) => ({ result })),
        req.log,
      );
    },
  );
  app.get(
    '/api/planning/scenarios/:id/results',
    {
      config: { role: PLANNING_ACCESS.read },
      schema: {
        tags,
        summary:
          "A scenario's results as its last run stored them; 409 planning.not-run before the first run, " +
          '409 planning.results-stale once the books, the market or the back-test quarters changed after it',
        params: ScenarioParams,
        response: { 200: ScenarioRunView },
      },
    },
    async (req) => scenarioResults(ctx, req.params.id),
  );
}
