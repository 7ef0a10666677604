import type { RoleNeed } from '../auth/roles.js';

/** Who may change supply's records. The routes enforce it; the dashboard shows its actions only to them. */
export const SUPPLY_ACCESS = {
  read: 'viewer',
  /** Foundries, agreements, wafer orders, builds, capacity: supply's own work. */
  write: 'supply',
} as const satisfies Record<string, RoleNeed>;
