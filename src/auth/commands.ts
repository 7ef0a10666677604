import type { Command } from 'commander';
import { defineAction } from '../cli/command.js';
import { parseInput } from '../cli/input.js';
import { ROLES } from './roles.js';
import { NewToken, TokenId } from './schemas.js';
import { createToken, listTokens, revokeToken, type TokenInfo } from './tokens.js';

const describe = (t: TokenInfo) =>
  `${t.id}\t${t.name}\t${t.role}\t${t.createdAt.toISOString()}${t.revokedAt ? `\trevoked ${t.revokedAt.toISOString()}` : ''}`;

export function registerAuthCommands(program: Command): void {
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
      const n = parseInput(TokenId, id);
      const revoked = await revokeToken(app, app.actor, n);
      return { json: revoked, text: `revoked: ${describe(revoked)}` };
    },
  );
}
