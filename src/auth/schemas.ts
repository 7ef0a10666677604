import { z } from 'zod';
import { ROLES } from './roles.js';

export const NewToken = z
  .object({
    name: z.string().trim().min(1).max(80).describe('Who or what uses the token, e.g. alice or the-pdf-job'),
    role: z.enum(ROLES).describe('What the token may do'),
  })
  .strict();
