import type { RoleNeed } from '../auth/roles.js';

/** Who may act on machines. The routes enforce it; the dashboard shows the controls only to them. */
export const FLEET_ACCESS = {
  read: 'viewer',
  /** Polling, scanning, soft off/on, work modes, pools, reboots: mining operations' work. */
  operate: 'ops',
} as const satisfies Record<string, RoleNeed>;
