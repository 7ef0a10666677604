import type { Command } from 'commander';
import type { HttpApp } from '../http/app.js';
import type { Periodic } from '../jobs/boss.js';
import type { Projections } from '../ledger/ledger.js';
import type { AppContext } from './context.js';

/** A top-level command a module adds, named here so that `hashforge --help` loads no module. */
export interface CommandEntry {
  name: string;
  description: string;
}

/**
 * A table a module's projections keep, rebuilt from the events by a replay: its name, or its name
 * and how to compare it —
 * `key`/`ignore`: when its primary key is a number handed out by the database itself (an identity
 * column, which a rolled-back write consumes and a replay does not), the columns that name a row
 * instead and the columns a rebuild may number differently; `ignore` also names columns kept beside
 * the events (telemetry a replay leaves empty);
 * `sums`: its rows are sums of what events changed, and a row whose sums are all zero is no row
 * (a bulk import adds a batch's movements up first, so what cancels out writes nothing).
 */
export type DerivedTable =
  | string
  | { name: string; key?: readonly string[]; ignore?: readonly string[]; sums?: boolean };

/** A module's table that is not rebuilt from the events, why, and what `ledger rebuild` does with it. */
export interface NotDerivedTable {
  why: string;
  /** copy: carried over row by row as stored; made: the rebuild makes it by itself. */
  rebuild: 'copy' | 'made';
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
  /**
   * Every table of the module, declared: those its projections keep (`ledger verify` rebuilds and
   * compares them) and those they don't, with why. A test fails on a table in the schema that no
   * module declares, so a new table can't be forgotten.
   */
  derivedTables?: readonly DerivedTable[];
  notDerivedTables?: Readonly<Record<string, NotDerivedTable>>;
  routes?: () => Promise<(app: HttpApp, ctx: AppContext) => void>;
  commands?: {
    entries: readonly CommandEntry[];
    register: () => Promise<(program: Command) => void>;
  };
  /**
   * Work that runs inside `serve` (the fleet poller), its periodic tasks registered on `jobs` (once
   * across every `serve` on one PostgreSQL); returns how to stop it.
   */
  background?: () => Promise<(ctx: AppContext, jobs: Periodic) => () => Promise<void>>;
}
