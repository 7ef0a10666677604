/** What the auth routes answer. */
import { z } from 'zod';
import type { Actor } from '../app/context.js';
import { zInstant } from '../kernel/reply-schemas.js';
import type { Agrees, Same } from '../kernel/wire.js';
import { ROLES } from './roles.js';
import type { createToken, TokenInfo as TokenInfoType } from './tokens.js';

export const Me = z.object({
  id: z.string().describe('Who acts: token:<name>'),
  role: z.enum(ROLES),
});

export const TokenView = z.object({
  id: z.number(),
  name: z.string(),
  role: z.enum(ROLES),
  createdAt: zInstant,
  revokedAt: zInstant.nullable(),
  expiresAt: zInstant.nullable().describe('After this instant the token is refused; null: never'),
  lastUsedAt: zInstant.nullable().describe('The last request it authenticated, to the minute'),
});
export const TokenInfos = z.array(TokenView);

export const TokenCreated = z.object({
  token: z.string().describe('The secret: shown in this answer only, never stored'),
  info: TokenView,
});

type Out<T extends z.ZodType> = z.output<T>;
type _Agree = [
  Agrees<Same<Out<typeof Me>, Actor>>,
  Agrees<Same<Out<typeof TokenView>, TokenInfoType>>,
  Agrees<Same<Out<typeof TokenCreated>, Awaited<ReturnType<typeof createToken>>>>,
];
