import type { RoleNeed } from '../auth/roles.js';

/** Who may do what in the service network. The routes enforce it; the dashboard shows actions only to them. */
export const SERVICE_ACCESS = {
  read: 'viewer',
  /** Centres, policies, parts, RMA steps: the service team's own work. */
  work: 'service',
  /** A customer's ticket: service, or sales on the customer's behalf. */
  open: ['service', 'sales'],
  /** Tickets: service and sales see all; ops sees those its fleet opened. */
  tickets: ['service', 'sales', 'ops'],
  /** Serials on deliveries (sales' records) and lots of builds (supply's). */
  serials: ['service', 'sales', 'supply'],
  /** Linking fleet machines to serials and raising their faults. */
  fleet: ['service', 'ops'],
} as const satisfies Record<string, RoleNeed>;
