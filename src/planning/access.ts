import type { RoleNeed } from '../auth/roles.js';

/** Who may do what with scenarios. The API and CLI enforce it; the dashboard shows the form only to them. */
export const PLANNING_ACCESS = {
  read: 'viewer',
  /** Saving a scenario is finance's call (admin may too). */
  save: 'finance',
  /** Running one reads the books and stores only its own results: whoever may read them. */
  run: 'viewer',
} as const satisfies Record<string, RoleNeed>;
