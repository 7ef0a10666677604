import type { RoleNeed } from '../auth/roles.js';

/**
 * Who may close and reopen the books' periods. The routes and commands enforce it; the dashboard
 * reads the same needs to show each role only what it may do.
 */
export const BOOKS_ACCESS = {
  read: 'viewer',
  /** Closing a period once its figures are reported: finance's routine. */
  close: 'finance',
  /** Reopening changes figures already reported: an admin's decision, with a reason. */
  reopen: 'admin',
} as const satisfies Record<string, RoleNeed>;
