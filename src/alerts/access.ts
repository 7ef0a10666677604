import type { RoleNeed } from '../auth/roles.js';

/** Who may see and act on alerts: mining operations changes rules and webhooks and acknowledges. */
export const ALERTS_ACCESS = {
  read: 'viewer',
  operate: 'ops',
} as const satisfies Record<string, RoleNeed>;
