import { createHash, randomBytes } from 'node:crypto';
import type { Actor, AppContext } from '../app/context.js';
import { AppError, invalid, notFound } from '../kernel/errors.js';
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
  expiresAt: Date | null;
  /** The last request it authenticated, to the minute (see `noteUse`). */
  lastUsedAt: Date | null;
}

/** How often a token's last use is written, at most: a busy client does not write on every request. */
export const LAST_USE_EVERY_MS = 60_000;

/** Tokens are shown once; only their SHA-256 is stored, so a stolen database yields no tokens. */
export const hashToken = (token: string): string => createHash('sha256').update(token).digest('hex');

export async function createToken(
  ctx: AppContext,
  actor: Actor,
  input: { name: string; role: Role; expiresAt?: string | undefined },
): Promise<{ token: string; info: TokenInfo }> {
  const expiresAt = input.expiresAt === undefined ? undefined : new Date(input.expiresAt);
  if (expiresAt && expiresAt.getTime() <= ctx.clock.now().getTime()) {
    throw invalid(
      'expiresAt',
      `expiresAt must be in the future; it is ${ctx.clock.now().toISOString()} now.`,
      'auth.expiry-past',
    );
  }
  const token = `hf_${randomBytes(24).toString('base64url')}`;
  const created = {
    name: input.name,
    role: input.role,
    tokenHash: hashToken(token),
    ...(expiresAt ? { expiresAt: expiresAt.toISOString() } : {}),
  };
  const info = await recordAuth(
    ctx,
    { actor, kind: 'auth.token-created', stream: 'auth', request: created },
    async (tx): Promise<TokenCreated> => ({ id: await nextNumber(tx, 'api-token'), ...created }),
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
  const now = ctx.clock.now();
  if (row.expires_at && row.expires_at.getTime() <= now.getTime()) {
    throw new AppError(
      'unauthenticated',
      'auth.expired-token',
      `This API token expired at ${row.expires_at.toISOString()}; an admin can create a new one (hashforge token create).`,
    );
  }
  await noteUse(ctx, row, now);
  return { id: `token:${row.name}`, role: row.role as Role };
}

/**
 * Sets the token's last use, at most once a minute per token: the row just read says when it was
 * last written, and the update's own condition keeps two requests at once from both writing.
 *
 * Not an event, and the one write outside the ledger: the ledger is the business's history (who
 * made which token, with what role and expiry, who revoked it), and "this token authenticated a
 * request at 10:42" is operational telemetry of the same order as a miner's last poll. Recorded as
 * events it would add one per token per active minute to the books and to every replay; as a
 * column it is one conditional update a minute, and a replay leaves it empty.
 */
async function noteUse(ctx: AppContext, row: { id: bigint; last_used_at: Date | null }, now: Date) {
  const due = new Date(now.getTime() - LAST_USE_EVERY_MS);
  if (row.last_used_at && row.last_used_at > due) return;
  await ctx.db
    .updateTable('api_tokens')
    .set({ last_used_at: now })
    .where('id', '=', row.id)
    .where((eb) => eb.or([eb('last_used_at', 'is', null), eb('last_used_at', '<=', due)]))
    .execute();
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
  expires_at: Date | null;
  last_used_at: Date | null;
}): TokenInfo {
  return {
    id: Number(row.id),
    name: row.name,
    role: row.role as Role,
    createdAt: row.created_at,
    revokedAt: row.revoked_at,
    expiresAt: row.expires_at,
    lastUsedAt: row.last_used_at,
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
        expires_at: p.expiresAt === undefined ? null : new Date(p.expiresAt),
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
