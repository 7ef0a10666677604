import type { IncomingMessage, ServerResponse } from 'node:http';
import fastifySwagger from '@fastify/swagger';
import fastifySwaggerUi from '@fastify/swagger-ui';
import Fastify, { type FastifyBaseLogger, type FastifyInstance, type RawServerDefault } from 'fastify';
import { validatorCompiler, type ZodTypeProvider } from 'fastify-type-provider-zod';
import type { Actor, AppContext } from '../app/context.js';
import type { HashforgeModule } from '../app/module.js';
import { type RoleNeed, requireRole } from '../auth/roles.js';
import { authenticate } from '../auth/tokens.js';
import { AppError } from '../kernel/errors.js';
import { toWireJson } from '../kernel/json.js';
import { bodyOf, handleError, refuseBadUrl } from './errors.js';
import { readJsonBodiesStrictly } from './json-body.js';
import { documentResponses } from './openapi.js';
import { type PageFallback, registerDashboard } from './static.js';

declare module 'fastify' {
  interface FastifyContextConfig {
    /** The role a route needs; every /api route must say. */
    role?: RoleNeed;
  }
  interface FastifyRequest {
    actor: Actor;
    idempotencyKey: string | undefined;
  }
}

export type HttpApp = FastifyInstance<
  RawServerDefault,
  IncomingMessage,
  ServerResponse,
  FastifyBaseLogger,
  ZodTypeProvider
>;

const PUBLIC_PATHS = ['/healthz', '/api/openapi.json', '/api/docs'];

export async function buildHttpApp(
  ctx: AppContext,
  modules: readonly HashforgeModule[],
  opts: {
    logger?: boolean | object;
    extend?: (app: HttpApp) => Promise<void>;
    /** The built dashboard to serve at / (default web/dist). */
    dashboardDir?: string;
  } = {},
): Promise<HttpApp> {
  const app = Fastify({
    logger: opts.logger ?? false,
    bodyLimit: 50 * 1024 * 1024,
    frameworkErrors: refuseBadUrl,
  }).withTypeProvider<ZodTypeProvider>();
  readJsonBodiesStrictly(app);
  app.setValidatorCompiler(validatorCompiler);
  app.setReplySerializer((payload) => toWireJson(payload));
  // Routes declare their replies in zod for the document and the types; the wire form is still
  // toWireJson's (bigints as decimal strings), so a declared response compiles to it, not to a
  // serializer built from the schema (which would neither know bigints nor add anything).
  app.setSerializerCompiler(() => (payload) => toWireJson(payload));
  app.setErrorHandler(handleError);
  let pageFallback: PageFallback = () => false;
  app.setNotFoundHandler((req, reply) => {
    if (pageFallback(req, reply)) return;
    void reply
      .code(404)
      .send(
        bodyOf(
          new AppError('not-found', 'not-found', `There is no route ${req.method} ${req.url.split('?')[0]}.`),
        ),
      );
  });
  app.decorateRequest('actor', undefined as unknown as Actor);
  app.decorateRequest('idempotencyKey', undefined);

  app.addHook('onRoute', (route) => {
    const isPublic = PUBLIC_PATHS.some((p) => route.url.startsWith(p));
    if (route.url.startsWith('/api/') && !isPublic && !route.config?.role) {
      throw new Error(`Route ${route.method} ${route.url} does not declare the role it needs`);
    }
  });
  app.addHook('onRequest', async (req) => {
    const need = req.routeOptions.config.role;
    if (!need) return;
    const header = req.headers.authorization;
    const token = header?.startsWith('Bearer ') ? header.slice(7).trim() : undefined;
    req.actor = await authenticate(ctx, token);
    requireRole(req.actor.role, need);
    const key = req.headers['idempotency-key'];
    req.idempotencyKey = typeof key === 'string' && key.length > 0 ? key : undefined;
  });

  await app.register(fastifySwagger, {
    openapi: {
      info: {
        title: 'HashForge API',
        version: '0.1.0',
        description: 'Money in integer cents and BTC in satoshis, both as decimal strings.',
      },
      components: { securitySchemes: { bearer: { type: 'http', scheme: 'bearer' } } },
      security: [{ bearer: [] }],
    },
    transform: documentResponses,
  });
  await app.register(fastifySwaggerUi, { routePrefix: '/api/docs' });
  pageFallback = await registerDashboard(app, opts.dashboardDir);

  app.get('/healthz', async () => ({ ok: true, database: ctx.db.isTransaction ? 'transaction' : 'up' }));
  app.get('/api/openapi.json', { schema: { hide: true } }, async () => app.swagger());
  for (const register of await Promise.all(modules.map((m) => m.routes?.()))) register?.(app, ctx);
  if (opts.extend) await opts.extend(app);
  await app.ready();
  return app;
}
