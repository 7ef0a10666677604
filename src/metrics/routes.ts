import { timingSafeEqual } from 'node:crypto';
import { z } from 'zod';
import type { AppContext } from '../app/context.js';
import { bearerToken } from '../auth/tokens.js';
import type { HttpApp } from '../http/app.js';
import { todayUtc } from '../kernel/calendar.js';
import { AppError, invalid } from '../kernel/errors.js';
import { zText } from '../kernel/fields.js';
import { hashrateByDay } from '../mining/hashrate.js';
import { MAX_MACHINES, readFigures } from './figures.js';
import { fleetMetrics } from './registry.js';

const MetricsQuery = z
  .object({
    machines: zText
      .max(4000)
      .optional()
      .describe(`Serials for per-machine series, comma-separated (at most ${MAX_MACHINES})`),
  })
  .strict();

/**
 * `GET /metrics` in Prometheus's text format. Outside /api and its users' tokens, as exporters are
 * scraped; it shows counts and rates by site and model, never addresses or money. Where site and
 * model names are not for everyone who can reach the port, HASHFORGE_METRICS_TOKEN makes the
 * scrape send a bearer token of its own (Prometheus's `authorization` setting).
 */
export function registerMetricsRoutes(app: HttpApp, ctx: AppContext): void {
  const metrics = fleetMetrics();
  app.get(
    '/metrics',
    {
      schema: {
        tags: ['metrics'],
        summary: 'Prometheus metrics (text format 0.0.4)',
        querystring: MetricsQuery,
      },
    },
    async (req, reply) => {
      requireScrapeToken(ctx.config.metricsToken, req.headers.authorization);
      const serials = (req.query.machines ?? '')
        .split(',')
        .map((s) => s.trim())
        .filter((s) => s.length > 0);
      if (serials.length > MAX_MACHINES) {
        throw invalid(
          'machines',
          `machines may name at most ${MAX_MACHINES} serials, got ${serials.length}.`,
        );
      }
      const today = todayUtc(ctx.clock.now());
      const [day] = await hashrateByDay(ctx, { from: today, to: today });
      const installed = (day?.sites ?? []).map((x) => ({ site: x.site, ths: x.installedThs }));
      const text = await metrics.render(await readFigures(ctx.db, serials, installed));
      return reply.header('content-type', metrics.registry.contentType).send(text);
    },
  );
}

/** Nothing to check without a configured token; else the scrape's bearer token must be it. */
function requireScrapeToken(expected: string | undefined, header: string | undefined): void {
  if (expected === undefined) return;
  const sent = Buffer.from(bearerToken(header) ?? '');
  const wanted = Buffer.from(expected);
  // Compared in constant time: a scrape must not learn the token a byte at a time.
  if (sent.length === wanted.length && timingSafeEqual(sent, wanted)) return;
  throw new AppError(
    'unauthenticated',
    'metrics.bad-token',
    'The metrics of this server need its scrape token: Authorization: Bearer <HASHFORGE_METRICS_TOKEN>.',
  );
}
