/** The auth module's ledger events, by kind. A token is stored only as its SHA-256. Pure. */
import type { EventOf } from '../ledger/events.js';
import type { Role } from './roles.js';

export interface TokenCreated {
  id: number;
  name: string;
  role: Role;
  tokenHash: string;
  /** When it stops working (ISO instant); absent: until revoked. */
  expiresAt?: string;
}

export type AuthEvent =
  | EventOf<'auth.token-created', TokenCreated>
  | EventOf<'auth.token-revoked', { id: number }>;
