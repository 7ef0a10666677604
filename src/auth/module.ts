import { z } from 'zod';
import type { HashforgeModule } from '../app/module.js';
import { defineAction } from '../cli/command.js';
import { parseInput } from '../cli/input.js';
import { Me, TokenCreated, TokenInfos, TokenView } from './responses.js';
import { ROLES } from './roles.js';
import { authProjections, createToken, listTokens, revokeToken, type TokenInfo } from './tokens.js';

const NewToken = z
  .object({
    name: z.string().trim().min(1).max(80).describe('Who or what uses the token, e.g. alice or the-pdf-job'),
    role: z.enum(ROLES).describe('What the token may do'),
  })
  .strict();

const describe = (t: TokenInfo) =>
  `${t.id}\t${t.name}\t${t.role}\t${t.createdAt.toISOString()}${t.revokedAt ? `\trevoked ${t.revokedAt.toISOString()}` : ''}`;

export const authModule: HashforgeModule = {
  name: 'auth',
  projections: authProjections,
  registerRoutes(app, ctx) {
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
          params: z.object({ id: z.coerce.number().int().positive() }),
          response: { 200: TokenView },
        },
      },
      async (req) => revokeToken(ctx, req.actor, req.params.id),
    );
  },
  registerCommands(program) {
    const token = program.command('token').description('API tokens and their roles');
    defineAction(
      token
        .command('create')
        .description('Create an API token; prints the secret once (only its hash is stored)')
        .requiredOption('--role <role>', `one of ${ROLES.join(', ')}`)
        .requiredOption('--name <name>', 'who uses it'),
      { role: 'admin' },
      async (app, opts) => {
        const input = parseInput(NewToken, { name: opts.name, role: opts.role });
        const created = await createToken(app, app.actor, input);
        return {
          json: created,
          text: `${created.token}\n(token ${created.info.id} for ${created.info.name}, role ${created.info.role}; shown once)`,
        };
      },
    );
    defineAction(token.command('list').description('List tokens'), { role: 'admin' }, async (app) => {
      const tokens = await listTokens(app);
      return { json: tokens, text: tokens.map(describe).join('\n') || 'no tokens' };
    });
    defineAction(
      token.command('revoke').description('Revoke a token').argument('<id>', 'token id'),
      { role: 'admin' },
      async (app, _opts, [id]) => {
        const n = parseInput(z.coerce.number().int().positive(), id);
        const revoked = await revokeToken(app, app.actor, n);
        return { json: revoked, text: `revoked: ${describe(revoked)}` };
      },
    );
  },
};
