import type { Command } from 'commander';
import type { HttpApp } from '../http/app.js';
import type { Projections } from '../ledger/ledger.js';
import type { AppContext } from './context.js';

/** What a module plugs into the application: its event projections, routes and commands. */
export interface HashforgeModule {
  name: string;
  projections?: Projections;
  registerRoutes?: (app: HttpApp, ctx: AppContext) => void;
  registerCommands?: (program: Command) => void;
  /** Work that runs inside `serve` (the fleet poller); returns how to stop it. */
  startBackground?: (ctx: AppContext) => () => Promise<void>;
}
