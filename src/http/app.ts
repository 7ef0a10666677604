import type { IncomingMessage, ServerResponse } from 'node:http';
import fastifyHelmet from '@fastify/helmet';
import fastifySwagger from '@fastify/swagger';
import fastifySwaggerUi from '@fastify/swagger-ui';
import Fastify, { type FastifyBaseLogger, type FastifyInstance, type RawServerDefault } from 'fastify';
import { validatorCompiler, type ZodTypeProvider } from 'fastify-type-provider-zod';
import type { Actor, AppContext } from '../app/context.js';
import type { HashforgeModule } from '../app/module.js';
import { type RoleNeed, requireRole } from '../auth/roles.js';
import { authenticate, bearerToken } from '../auth/tokens.js';
import { AppError } from '../kernel/errors.js';
import { toWireJson } from '../kernel/json.js';
import { bodyOf, handleError, refuseBadUrl } from './errors.js';
import { FailedTokenAttempts } from './failed-tokens.js';
import { readJsonBodiesStrictly } from './json-body.js';
import { BODY_LIMIT_BYTES, type FailureLimit, TOKEN_FAILURES } from './limits.js';
import { documentResponses } from './openapi.js';
import { refuseBadQueryText } from './query-text.js';
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
    /** How many failed token attempts an address may make in a window (default TOKEN_FAILURES). */
    tokenFailures?: FailureLimit;
    /**
     * Build the OpenAPI document before the first request instead of on it: building it takes
     * 100-400 ms of the event loop, which a running server must not spend inside a request
     * (`/healthz` would wait behind it). Tests leave it lazy; they rarely ask for it.
     */
    documentNow?: boolean;
  } = {},
): Promise<HttpApp> {
  const app = Fastify({
    logger: opts.logger ?? false,
    bodyLimit: BODY_LIMIT_BYTES,
    frameworkErrors: refuseBadUrl,
    // Fastify gives up on a plugin that takes 10 s to register; on a machine busy with other
    // work the API reference's plugin has taken longer, and `serve` exited instead of starting
    // slowly. Registering is local work that ends, so a slow start is better than none.
    pluginTimeout: 120_000,
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
  // First, so that every answer carries the headers, a 401 or a 404 too.
  await app.register(fastifyHelmet, securityHeaders);
  refuseBadQueryText(app);
  const failures = new FailedTokenAttempts(opts.tokenFailures ?? TOKEN_FAILURES, ctx.clock);
  app.addHook('onRequest', async (req, reply) => {
    const need = req.routeOptions.config.role;
    if (!need) return;
    const token = bearerToken(req.headers.authorization);
    try {
      req.actor = await authenticate(ctx, token);
    } catch (error) {
      // Only a token sent and refused counts; a good token is answered from any address. Tokens
      // are 192 random bits, so this is not what keeps them from being guessed: it keeps a
      // scanner or a client stuck on an old token from hammering the table and the logs.
      const wait = token !== undefined && isUnauthenticated(error) ? failures.failed(req.ip) : 0;
      if (wait > 0) {
        void reply.header('retry-after', String(wait));
        throw new AppError(
          'rate-limited',
          'auth.too-many-failures',
          `Too many refused tokens from this address; try again in ${wait} s.`,
          undefined,
          { retryAfterSeconds: wait },
        );
      }
      throw error;
    }
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
  // Tags start closed: with every operation open at once the reference stopped drawing after a few tags.
  await app.register(fastifySwaggerUi, { routePrefix: '/api/docs', uiConfig: { docExpansion: 'none' } });
  pageFallback = await registerDashboard(app, opts.dashboardDir);

  app.get('/healthz', async () => ({ ok: true, database: ctx.db.isTransaction ? 'transaction' : 'up' }));
  app.get('/api/openapi.json', { schema: { hide: true } }, async () => app.swagger());
  for (const register of await Promise.all(modules.map((m) => m.routes?.()))) register?.(app, ctx);
  if (opts.extend) await opts.extend(app);
  await app.ready();
  if (opts.documentNow) app.swagger();
  return app;
}

const isUnauthenticated = (error: unknown) => error instanceof AppError && error.kind === 'unauthenticated';

/**
 * Security headers on every answer (helmet's defaults, with these changes). The dashboard's built
 * page (web/dist, from Vite) loads one module script and one stylesheet from /assets and talks to
 * /api, all same-origin; so scripts are 'self' only. Styles also allow inline ones: the report
 * preview is an iframe with `srcdoc`, which inherits this policy, and the report's HTML carries its
 * own <style> (src/reporting/html.ts); React's style props go through the CSSOM and need nothing.
 * The Swagger UI at /api/docs works under the same policy (its scripts are files; it, too, sets
 * inline styles), so it needs no policy of its own. test/e2e/security-headers.test.ts drives both
 * pages in Chromium and fails on any violation.
 * `data:` images for the page's empty favicon (web/index.html). No upgrade-insecure-requests and
 * no HSTS: `serve` speaks plain HTTP (on localhost or a LAN address), and a browser told to upgrade
 * would fetch the assets over HTTPS from a server that has none; TLS, where there is some, is the
 * proxy's, and so is HSTS.
 */
const securityHeaders = {
  contentSecurityPolicy: {
    useDefaults: false,
    directives: {
      'default-src': ["'self'"],
      'script-src': ["'self'"],
      'script-src-attr': ["'none'"],
      'style-src': ["'self'", "'unsafe-inline'"],
      'img-src': ["'self'", 'data:'],
      'font-src': ["'self'"],
      'connect-src': ["'self'"],
      'object-src': ["'none'"],
      'base-uri': ["'self'"],
      'form-action': ["'self'"],
      'frame-ancestors': ["'none'"],
    },
  },
  frameguard: { action: 'deny' },
  strictTransportSecurity: false,
  referrerPolicy: { policy: 'no-referrer' },
} as const;
