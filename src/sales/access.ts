import type { RoleNeed } from '../auth/roles.js';

/**
 * Who may do what in the order book. The routes enforce it; the dashboard reads the same needs
 * to show each role only the forms it may use.
 */
export const SALES_ACCESS = {
  read: 'viewer',
  write: ['sales', 'finance'],
  /** Payments and refunds: cash, so finance's. */
  money: 'finance',
  /** Deliveries: what sales promised and supply shipped. */
  shipping: ['sales', 'supply'],
} as const satisfies Record<string, RoleNeed>;
