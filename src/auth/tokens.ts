import { createHash, randomBytes } from 'node:crypto';
import type { Actor, AppContext } from '../app/context.js';
import { AppError, notFound } from '../kernel/errors.js';
import { defineProjections, recorder } from '../ledger/events.js';
import { nextNumber } from '../ledger/ledger.js';
import type { AuthEvent, TokenCreated } from './events.js';
import type { Role } from './roles.js';

const recordAuth = recorder<AuthEvent>();

export interface TokenInfo {
  id: number;
  name: string;
  role: Role;
  createdAt: Date;
  revokedAt: Date | null;
}

/** Tokens are shown once; only their SHA-256 is stored, so a stolen database yields no tokens. */
export const hashToken = (token: string): string => createHash('sha256').update(token).digest('hex');

export async function createToken(
  ctx: AppContext,
  actor: Actor,
  input: { name: string; role: Role },
): Promise<{ token: string; info: TokenInfo }> {
  const token = `hf_${randomBytes(24).toString('base64url')}`;
  const info = await recordAuth(
    ctx,
    { actor, kind: 'auth.token-created', stream: 'auth', request: { ...input, tokenHash: hashToken(token) } },
    async (tx): Promise<TokenCreated> => ({
      id: await nextNumber(tx, 'api-token'),
      name: input.name,
      role: input.role,
      tokenHash: hashToken(token),
    }),
    async (tx, event) => tokenById(tx, event.payload.id),
  );
  return { token, info };
}

export async function revokeToken(ctx: AppContext, actor: Actor, id: number): Promise<TokenInfo> {
  return recordAuth(
    ctx,
    { actor, kind: 'auth.token-revoked', stream: 'auth', request: { id } },
    async (tx) => {
      const token = await tokenById(tx, id);
      if (token.revokedAt)
        throw new AppError('conflict', 'auth.already-revoked', `Token ${id} is already revoked.`, 'id');
      return { id };
    },
    async (tx) => tokenById(tx, id),
  );
}

export async function listTokens(ctx: AppContext): Promise<TokenInfo[]> {
  const rows = await ctx.db.selectFrom('api_tokens').selectAll().orderBy('id').execute();
  return rows.map(toInfo);
}

/**
 * The token in an `Authorization` header: the scheme is case-insensitive (RFC 9110 §11.1), so
 * `bearer x` and `BEARER x` are `Bearer x`; any other scheme, or none, is no token.
 */
export function bearerToken(header: string | undefined): string | undefined {
  const token = /^bearer\s+(.+)$/i.exec(header ?? '')?.[1]?.trim();
  return token || undefined;
}

/** The actor behind a bearer token, or a 401 that says what is wrong. */
export async function authenticate(ctx: AppContext, token: string | undefined): Promise<Actor> {
  if (!token) {
    throw new AppError(
      'unauthenticated',
      'auth.missing-token',
      'Send an API token: Authorization: Bearer <token>.',
    );
  }
  const row = await ctx.db
    .selectFrom('api_tokens')
    .selectAll()
    .where('token_hash', '=', hashToken(token))
    .executeTakeFirst();
  if (!row || row.revoked_at) {
    throw new AppError('unauthenticated', 'auth.bad-token', 'This API token is unknown or revoked.');
  }
  return { id: `token:${row.name}`, role: row.role as Role };
}

async function tokenById(db: AppContext['db'], id: number): Promise<TokenInfo> {
  const row = await db.selectFrom('api_tokens').selectAll().where('id', '=', BigInt(id)).executeTakeFirst();
  if (!row) throw notFound('Token', id, 'id');
  return toInfo(row);
}

function toInfo(row: {
  id: bigint;
  name: string;
  role: string;
  created_at: Date;
  revoked_at: Date | null;
}): TokenInfo {
  return {
    id: Number(row.id),
    name: row.name,
    role: row.role as Role,
    createdAt: row.created_at,
    revokedAt: row.revoked_at,
  };
}

export const authProjections = defineProjections<AuthEvent>({
  'auth.token-created': async (tx, event) => {
    const p = event.payload;
    await tx
      .insertInto('api_tokens')
      .values({
        id: BigInt(p.id),
        name: p.name,
        role: p.role,
        token_hash: p.tokenHash,
        created_at: event.recordedAt,
      })
      .execute();
  },
  'auth.token-revoked': async (tx, event) => {
    const p = event.payload;
    await tx
      .updateTable('api_tokens')
      .set({ revoked_at: event.recordedAt })
      .where('id', '=', BigInt(p.id))
      .execute();
  },
});
