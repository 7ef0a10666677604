import type { Command } from 'commander';
import type { HttpApp } from '../http/app.js';
import type { Projections } from '../ledger/ledger.js';
import type { AppContext } from './context.js';

/** A top-level command a module adds, named here so that `hashforge --help` loads no module. */
export interface CommandEntry {
  name: string;
  description: string;
}

/**
 * What a module plugs into the application. A descriptor imports nothing of its module: each part
 * is loaded when an entry point needs it (the CLI loads only the module whose command runs), and a
 * module never imports the composition root, `app/root.ts` or `modules.ts`.
 */
export interface HashforgeModule {
  name: string;
  /** How the module's events update its tables; every write and replay runs them. */
  projections?: () => Promise<Projections>;
  routes?: () => Promise<(app: HttpApp, ctx: AppContext) => void>;
  commands?: {
    entries: readonly CommandEntry[];
    register: () => Promise<(program: Command) => void>;
  };
  /** Work that runs inside `serve` (the fleet poller); returns how to stop it. */
  background?: () => Promise<(ctx: AppContext) => () => Promise<void>>;
}
