import type { AppContext } from '../app/context.js';
import type { HttpApp } from '../http/app.js';
import { Me, TokenCreated, TokenInfos, TokenView } from './responses.js';
import { ByTokenId, NewToken } from './schemas.js';
import { createToken, listTokens, revokeToken } from './tokens.js';

export function registerAuthRoutes(app: HttpApp, ctx: AppContext): void {
  app.get(
    '/api/auth/me',
    {
      config: { role: 'viewer' },
      schema: { tags: ['auth'], summary: 'Who the token belongs to', response: { 200: Me } },
    },
    async (req) => req.actor,
  );
  app.get(
    '/api/auth/tokens',
    {
      config: { role: 'admin' },
      schema: {
        tags: ['auth'],
        summary: 'List API tokens (never the secrets)',
        response: { 200: TokenInfos },
      },
    },
    async () => listTokens(ctx),
  );
  app.post(
    '/api/auth/tokens',
    {
      config: { role: 'admin' },
      schema: {
        tags: ['auth'],
        summary: 'Create a token; the secret is in this answer only',
        body: NewToken,
        response: { 201: TokenCreated },
      },
    },
    async (req, reply) => {
      reply.code(201);
      return createToken(ctx, req.actor, req.body);
    },
  );
  app.delete(
    '/api/auth/tokens/:id',
    {
      config: { role: 'admin' },
      schema: {
        tags: ['auth'],
        summary: 'Revoke a token',
        params: ByTokenId,
        response: { 200: TokenView },
      },
    },
    async (req) => revokeToken(ctx, req.actor, req.params.id),
  );
}
