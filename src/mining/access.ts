import type { RoleNeed } from '../auth/roles.js';

/** Who may change the self-mining sites. The routes enforce it; the dashboard shows the forms only to them. */
export const MINING_ACCESS = {
  /** Sites, their capacity and compliance, deployments: mining operations'. */
  sites: 'ops',
  /** The power price is also finance's: it sets the cost of every BTC mined. */
  prices: ['ops', 'finance'],
} as const satisfies Record<string, RoleNeed>;
