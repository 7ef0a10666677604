import type { Command } from 'commander';
import { z } from 'zod';
import { defineAction, defineLocalAction } from '../cli/command.js';
import { parseInput } from '../cli/input.js';
import { AppError } from '../kernel/errors.js';
import { adminTokenFile, readLocalAdminToken } from './local-admin.js';
import { ROLES } from './roles.js';
import { ExpiresIn, NewToken, TokenId } from './schemas.js';
import { createToken, listTokens, revokeToken, type TokenInfo } from './tokens.js';

const describe = (t: TokenInfo) =>
  [
    t.id,
    t.name,
    t.role,
    t.createdAt.toISOString(),
    t.expiresAt ? `expires ${t.expiresAt.toISOString()}` : 'no expiry',
    t.lastUsedAt ? `last used ${t.lastUsedAt.toISOString()}` : 'never used',
    ...(t.revokedAt ? [`revoked ${t.revokedAt.toISOString()}`] : []),
  ].join('\t');

export function registerAuthCommands(program: Command): void {
  const token = program.command('token').description('API tokens and their roles');
  // `hashforge token` alone prints the local admin token: reading its file needs no database.
  defineLocalAction(
    token
      .command('show', { isDefault: true })
      .description(
        'Print the local admin token that hashforge serve keeps in the data directory (the default)',
      ),
    async (_opts, _args, runtime) => {
      const db = runtime.config.database;
      if (db.kind !== 'embedded' || db.dataDir === 'memory') {
        throw new AppError(
          'not-found',
          'auth.no-local-token',
          'There is no local admin token on a PostgreSQL server (DATABASE_URL): an admin creates tokens with hashforge token create.',
        );
      }
      const secret = readLocalAdminToken(db.dataDir);
      return { json: { token: secret, file: adminTokenFile(db.dataDir) }, text: secret };
    },
  );
  defineAction(
    token
      .command('create')
      .description('Create an API token; prints the secret once (only its hash is stored)')
      .requiredOption('--role <role>', `one of ${ROLES.join(', ')}`)
      .requiredOption('--name <name>', 'who uses it')
      .option('--expires-in <duration>', 'how long it works: 12h, 30d, 52w (default: until revoked)'),
    { role: 'admin' },
    async (app, opts) => {
      const { expiresIn } = parseInput(z.object({ expiresIn: ExpiresIn.optional() }), {
        expiresIn: opts.expiresIn,
      });
      const expiresAt =
        expiresIn === undefined ? undefined : new Date(app.clock.now().getTime() + expiresIn).toISOString();
      const input = parseInput(NewToken, { name: opts.name, role: opts.role, expiresAt });
      const created = await createToken(app, app.actor, input);
      return {
        json: created,
        text: `${created.token}\n(token ${created.info.id} for ${created.info.name}, role ${created.info.role}${created.info.expiresAt ? `, until ${created.info.expiresAt.toISOString()}` : ''}; shown once)`,
      };
    },
  );
  defineAction(
    token.command('list').description('List tokens'),
    { role: 'admin', lists: true },
    async (app) => {
      const tokens = await listTokens(app);
      return { json: tokens, text: tokens.map(describe).join('\n') || 'no tokens' };
    },
  );
  defineAction(
    token.command('revoke').description('Revoke a token').argument('<id>', 'token id'),
    { role: 'admin' },
    async (app, _opts, [id]) => {
      const n = parseInput(TokenId, id);
      const revoked = await revokeToken(app, app.actor, n);
      return { json: revoked, text: `revoked: ${describe(revoked)}` };
    },
  );
}
