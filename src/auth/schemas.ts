import { z } from 'zod';
import { zId, zText } from '../kernel/fields.js';
import { ROLES } from './roles.js';

export const NewToken = z
  .object({
    name: zText.trim().min(1).max(80).describe('Who or what uses the token, e.g. alice or the-pdf-job'),
    role: z.enum(ROLES).describe('What the token may do'),
  })
  .strict();

export const TokenId = zId().describe('Token number');
export const ByTokenId = z.object({ id: TokenId }).strict();
