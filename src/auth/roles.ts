import { AppError } from '../kernel/errors.js';

export const ROLES = ['admin', 'finance', 'sales', 'supply', 'ops', 'service', 'viewer'] as const;
export type Role = (typeof ROLES)[number];

/** What a route or command needs: one role, or any of several. 'viewer' means any signed-in user. */
export type RoleNeed = Role | readonly Role[];

export function allows(held: Role, need: RoleNeed): boolean {
  const needed: readonly Role[] = typeof need === 'string' ? [need] : need;
  return held === 'admin' || needed.includes('viewer') || needed.includes(held);
}

export function requireRole(held: Role, need: RoleNeed): void {
  if (!allows(held, need)) {
    const list = typeof need === 'string' ? need : need.join(' or ');
    throw new AppError(
      'forbidden',
      'auth.forbidden',
      `This needs the role ${list}; your token has the role ${held}.`,
    );
  }
}

export function isRole(value: string): value is Role {
  return (ROLES as readonly string[]).includes(value);
}
