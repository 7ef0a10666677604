import { Command } from 'commander';
import type { Config } from '../app/config.js';
import type { Actor, AppContext } from '../app/context.js';
import { type RoleNeed, requireRole } from '../auth/roles.js';
import { fromDatabaseError } from '../db/errors.js';
import { csvLines } from '../kernel/csv.js';
import { AppError, afterFieldName, EXIT_CODE } from '../kernel/errors.js';
import { toWireJson } from '../kernel/json.js';
import { tableLines } from './table.js';

/**
 * What the entry point gives the commands: the configuration, how to open the context for one
 * command, and where output goes (the terminal, or a test's buffers).
 */
export interface CliRuntime {
  config: Config;
  open(command: string): Promise<{ ctx: AppContext; close(): Promise<void> }>;
  stdout(text: string | Uint8Array): void;
  /**
   * Resolves once the output has taken what was written (a pipe read slowly): a long listing waits
   * here rather than piling its lines up in memory. Absent: the output takes everything at once.
   */
  drain?(): Promise<void>;
  stderr(text: string): void;
  /** The exit code a failed command leaves (2 for bad input; see kernel/errors.ts). */
  fail(code: number): void;
}

/** The `hashforge` program: the root command, carrying the runtime its entry point built. */
export class CliProgram extends Command {
  constructor(readonly runtime: CliRuntime) {
    super('hashforge');
  }
}

function runtimeOf(command: Command): CliRuntime {
  let root = command;
  while (root.parent) root = root.parent;
  if (!(root instanceof CliProgram)) throw new Error('A command ran outside the hashforge program');
  return root.runtime;
}

/** What a CLI action receives: the context, who is acting, and the key that makes retries safe. */
export interface CliApp extends AppContext {
  actor: Actor;
  idempotencyKey: string | undefined;
  /** A line for the person at the terminal (progress, a hint) that is not the command's output. */
  notice(line: string): void;
  /** Output written as it is (a PDF), before the command's own text. */
  write(bytes: Uint8Array): void;
}

/**
 * What an action returns: the machine-readable result and the text a person reads (with `rows`, the
 * list inside a paged result, for --csv), or a listing of any length printed as it is read.
 */
export type CliOutput = { json: unknown; text: string; rows?: readonly unknown[] } | CliListing;

/**
 * Rows read a page at a time (an async iterable over the database) and printed one by one: with
 * --json a JSON array element by element, else table lines (cli/table.ts). Memory stays flat
 * however many rows there are. Made by `listing`.
 */
export interface CliListing {
  listing: {
    rows: AsyncIterable<unknown>;
    json(row: unknown): unknown;
    cells(row: unknown): Record<string, unknown>;
    columns: readonly string[];
  };
}

/** A listing of `rows`: `json` is what --json prints of a row (the row itself by default), `cells` its table line. */
export function listing<R>(
  rows: AsyncIterable<R>,
  table: { columns: readonly string[]; cells(row: R): Record<string, unknown>; json?(row: R): unknown },
): CliListing {
  // The functions only ever receive rows of `rows`.
  const of = <T>(f: (row: R) => T) => f as (row: unknown) => T;
  return {
    listing: {
      rows,
      json: of(table.json ?? ((row) => row)),
      cells: of((row) => table.cells(row)),
      columns: table.columns,
    },
  };
}

export interface ActionOptions {
  role: RoleNeed;
  /**
   * The option behind each input field whose name differs from it (`amountUsd: '--amount'`), so a
   * refusal names what the user typed; fields named like their option are found by themselves.
   */
  options?: Record<string, string>;
  /** The answer is a list (a listing, or an array as JSON): the command also takes --csv. */
  lists?: true;
}

type Opts = Record<string, unknown>;
type Handler = (opts: Opts, args: string[], runtime: CliRuntime, command: Command) => Promise<CliOutput>;
/** A command's work, given how to print its output (inside whatever it holds open). */
type Body = (
  opts: Opts,
  args: string[],
  runtime: CliRuntime,
  command: Command,
  print: (output: CliOutput) => Promise<void>,
) => Promise<void>;

/**
 * Every command runs through here: it adds --json, --token and --idempotency-key, opens the
 * database, checks the role, runs, prints, and maps errors to one line on stderr and an exit code.
 */
export function defineAction(
  cmd: Command,
  options: ActionOptions,
  run: (app: CliApp, opts: Opts, args: string[]) => Promise<CliOutput>,
): Command {
  cmd
    .option('--token <token>', 'API token to act with (default: HASHFORGE_TOKEN, else the local admin)')
    .option('--idempotency-key <key>', 'repeat-safe key: the same key again returns the first result');
  return defineCommand(
    cmd,
    async (opts, args, runtime, command, print) => {
      const opened = await runtime.open(command.name());
      try {
        const token = (opts.token as string | undefined) ?? runtime.config.token;
        // Loaded here: `--help` and commands that need no database never pay for the ledger.
        const { authenticate } = await import('../auth/tokens.js');
        const actor = token ? await authenticate(opened.ctx, token) : localActor(runtime.config);
        requireRole(actor.role, options.role);
        const app: CliApp = {
          ...opened.ctx,
          actor,
          idempotencyKey: opts.idempotencyKey as string | undefined,
          notice: (line) => runtime.stderr(`${line}\n`),
          write: (bytes) => runtime.stdout(bytes),
        };
        // Printed before the database closes: a listing reads its rows as it prints them.
        await print(await run(app, opts, args));
      } finally {
        await opened.close();
      }
    },
    options.options,
    options.lists,
  );
}

/** A command that needs no database (decoding a file, running the simulator): output and errors only. */
export function defineLocalAction(
  cmd: Command,
  handler: Handler,
  fieldOptions: Record<string, string> = {},
): Command {
  return defineCommand(
    cmd,
    async (opts, args, runtime, command, print) => print(await handler(opts, args, runtime, command)),
    fieldOptions,
  );
}

function defineCommand(
  cmd: Command,
  body: Body,
  fieldOptions: Record<string, string> = {},
  lists?: true,
): Command {
  cmd.option('--json', 'print machine-readable JSON');
  if (lists) cmd.option('--csv', 'print the list as CSV (a header, then one line per row, as it is read)');
  cmd.action(async (...received: unknown[]) => {
    const command = received.at(-1) as Command;
    const opts = command.opts() as Opts;
    const runtime = runtimeOf(command);
    const print = async (output: CliOutput) => {
      if (opts.csv === true) await printCsv(output, runtime);
      else if ('listing' in output) await printListing(output.listing, opts.json === true, runtime);
      else runtime.stdout(opts.json ? `${toWireJson(output.json, 2)}\n` : `${output.text}\n`);
    };
    try {
      await body(opts, command.args, runtime, command, print);
    } catch (error) {
      // A listing that failed half-way has printed its first rows; the error still says it failed.
      runtime.fail(report(namedAsOption(error, command, fieldOptions), runtime.stderr));
    }
  });
  return cmd;
}

/** Output is handed on in pieces of about this many characters, not a write per row. */
const CHUNK = 64 * 1024;

/** Writes text in CHUNK pieces, waiting for a slow reader between them; `end` writes the rest. */
function chunkedWriter(runtime: CliRuntime) {
  let pending = '';
  return {
    async put(text: string) {
      pending += text;
      if (pending.length < CHUNK) return;
      runtime.stdout(pending);
      pending = '';
      await runtime.drain?.();
    },
    end() {
      if (pending) runtime.stdout(pending);
    },
  };
}

/** A list command's answer as CSV, row by row: the rows of a listing, or the elements of its JSON array. */
export async function printCsv(output: CliOutput, runtime: CliRuntime): Promise<void> {
  const rows =
    'listing' in output
      ? mapRows(output.listing.rows, output.listing.json)
      : mapRows(toAsync(output.rows ?? arrayOf(output.json)), (row) => row);
  const out = chunkedWriter(runtime);
  for await (const line of csvLines(rows)) await out.put(line);
  out.end();
}

/** Each row as --json would print it. */
async function* mapRows(rows: AsyncIterable<unknown>, json: (row: unknown) => unknown) {
  for await (const row of rows) yield json(row) as object;
}

function arrayOf(json: unknown): unknown[] {
  if (!Array.isArray(json))
    throw new Error('A command that takes --csv answered with something other than a list');
  return json;
}

async function* toAsync<T>(xs: readonly T[]) {
  yield* xs;
}

/**
 * A listing row by row: with --json the same text `toWireJson(rows, 2)` would give, without ever
 * holding the rows or the text; else its table, laid out from its first rows.
 */
export async function printListing(
  l: CliListing['listing'],
  asJson: boolean,
  runtime: CliRuntime,
): Promise<void> {
  const { put, end } = chunkedWriter(runtime);
  if (asJson) {
    let first = true;
    for await (const row of l.rows) {
      // An element of an array indented by 2 is the element indented by 2, shifted by 2.
      await put(`${first ? '[\n  ' : ',\n  '}${toWireJson(l.json(row), 2).replaceAll('\n', '\n  ')}`);
      first = false;
    }
    await put(first ? '[]\n' : '\n]\n');
  } else {
    const cells = (async function* () {
      for await (const row of l.rows) yield l.cells(row);
    })();
    for await (const line of tableLines(cells, l.columns)) await put(`${line}\n`);
  }
  end();
}

/**
 * The same refusal with its field named as the option that fed it (`--amount`, not `amountUsd`):
 * the API's field names mean nothing to someone at the command line. Fields no option feeds (a
 * file's column, a nested value) keep their name.
 */
function namedAsOption(error: unknown, command: Command, fieldOptions: Record<string, string>): unknown {
  if (!(error instanceof AppError) || error.field === undefined) return error;
  const field = error.field;
  const option =
    fieldOptions[field] ??
    command.options.find((o) => o.attributeName() === field && o.long)?.long ??
    repeatedOption(field, fieldOptions);
  if (option === undefined) return error;
  const rest = afterFieldName(error.message, field);
  const message = rest === undefined ? error.message : `${option}: ${rest}`;
  return new AppError(error.kind, error.code, message, option, error.detail);
}

/**
 * Without a token the CLI acts as the local admin: whoever can open the database (its files, or
 * DATABASE_URL's credentials) already holds all of it. Tokens matter for the HTTP API.
 */
function localActor(config: Config): Actor {
  return { id: `local:${config.localUser}`, role: 'admin' };
}

/**
 * A field inside a repeated option's values (`lines.1.units` from the second `--line`) as the user
 * wrote it: `--line #2 units`. The map names the list (`lines: '--line'`).
 */
function repeatedOption(field: string, fieldOptions: Record<string, string>): string | undefined {
  const list = Object.keys(fieldOptions)
    .filter((k) => field.startsWith(`${k}.`))
    .sort((a, b) => b.length - a.length)[0];
  if (list === undefined) return undefined;
  const [, index, rest] = /^(\d+)(?:\.(.+))?$/.exec(field.slice(list.length + 1)) ?? [];
  if (index === undefined) return undefined;
  return `${fieldOptions[list]} #${Number(index) + 1}${rest ? ` ${rest}` : ''}`;
}

/**
 * Prints one line for a known error, then, for a refused import, one line per rejected row (the
 * imports put them in `detail.rejected`); a stack for a bug. Returns the exit code.
 */
export function report(thrown: unknown, stderr: (text: string) => void): number {
  // A constraint the database enforced is the user's doing, said as the API says it.
  const error = fromDatabaseError(thrown) ?? thrown;
  if (error instanceof AppError) {
    // Said once: a message that opens with its field ("--amount: must be a number") needs no tail.
    const named = !error.field || error.message.startsWith(`${error.field}: `);
    const kind = error.field?.startsWith('--') ? 'option' : 'field:';
    const field = named ? '' : ` (${kind} ${error.field})`;
    stderr(`error: ${error.message}${field}\n`);
    for (const r of rejectedRows(error)) {
      stderr(`line ${r.line}: ${r.field}: ${r.reason}${r.code ? ` [${r.code}]` : ''}\n`);
    }
    return EXIT_CODE[error.kind];
  }
  stderr(`internal error: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  return 1;
}

/** A row an import refused, as every import puts it in its error's `detail.rejected`. */
interface RejectedRow {
  line: number;
  field: string;
  reason: string;
  code?: string;
}

function rejectedRows(error: AppError): RejectedRow[] {
  const rows = error.detail?.rejected;
  return Array.isArray(rows) ? (rows as RejectedRow[]) : [];
}
