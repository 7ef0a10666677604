import { performance } from 'node:perf_hooks';
import type { PGlite } from '@electric-sql/pglite';
import {
  CompiledQuery,
  type DatabaseConnection,
  type Dialect,
  type Driver,
  type Kysely,
  PostgresAdapter,
  PostgresIntrospector,
  PostgresQueryCompiler,
  type QueryResult,
} from 'kysely';
import { PGliteStatements } from './pglite-statement.js';

/**
 * Kysely over PGlite. PGlite is one connection inside this process, so the driver hands it out to
 * one user at a time: a transaction holds it until commit, other queries wait in line.
 */
export class PGliteDialect implements Dialect {
  private readonly driver: PGliteDriver;
  constructor(pg: PGlite) {
    this.driver = new PGliteDriver(pg);
  }
  createAdapter = () => new PostgresAdapter();
  createDriver = (): Driver => this.driver;
  /**
   * Runs `work` with PGlite to itself: the queries of this process wait until it is done. The
   * socket server that lets other `hashforge` processes in holds it for each of their connections.
   */
  exclusive<T>(work: () => Promise<T>): Promise<T> {
    return this.driver.exclusive(work);
  }
  createIntrospector = (db: Kysely<unknown>) => new PostgresIntrospector(db);
  createQueryCompiler = () => new PostgresQueryCompiler();
}

class PGliteDriver implements Driver {
  private queue: Promise<void> = Promise.resolve();
  private readonly connection: PGliteConnection;

  constructor(private readonly pg: PGlite) {
    this.connection = new PGliteConnection(pg);
  }

  async init(): Promise<void> {}

  async exclusive<T>(work: () => Promise<T>): Promise<T> {
    await this.acquireConnection();
    try {
      return await work();
    } finally {
      // Whoever had PGlite to itself (another process, through the socket) may have changed the schema.
      this.connection.statements.forget();
      this.connection.release();
    }
  }

  async acquireConnection(): Promise<DatabaseConnection> {
    let release!: () => void;
    const previous = this.queue;
    this.queue = new Promise<void>((resolve) => {
      release = resolve;
    });
    await previous;
    this.connection.release = release;
    return this.connection;
  }

  async beginTransaction(conn: DatabaseConnection): Promise<void> {
    await conn.executeQuery(CompiledQuery.raw('begin'));
  }
  async commitTransaction(conn: DatabaseConnection): Promise<void> {
    await conn.executeQuery(CompiledQuery.raw('commit'));
  }
  async rollbackTransaction(conn: DatabaseConnection): Promise<void> {
    await conn.executeQuery(CompiledQuery.raw('rollback'));
  }
  async releaseConnection(): Promise<void> {
    this.connection.release();
  }
  async destroy(): Promise<void> {
    await this.pg.close();
  }
}

/**
 * How long the driver runs queries back to back before it gives the event loop a turn. PGlite runs
 * each query inside this thread and answers it without real IO, so a request's chain of queries
 * never waits on anything: without a turn now and then, a report of a few hundred queries held the
 * server (and its /healthz) for seconds. A server over TCP gives the turn by itself.
 */
export const PGLITE_TURN_MS = 20;

/**
 * A statement without parameters after which the server infers a text's parameter types as before:
 * one statement of plain data work or transaction start and end. Anything else (migrations, `set`,
 * a rollback that undoes a schema change) makes the fast path forget the types it knows.
 */
const KEEPS_TYPES = /^\s*(?:select|insert|update|delete|with|begin|commit|savepoint|release)\b[^;]*;?\s*$/i;

class PGliteConnection implements DatabaseConnection {
  release: () => void = () => {};
  readonly statements: PGliteStatements;
  /** When this thread last had a turn of the event loop that the driver gave it. */
  private turnAt = performance.now();
  constructor(private readonly pg: PGlite) {
    this.statements = new PGliteStatements(pg);
  }

  async executeQuery<R>(query: CompiledQuery): Promise<QueryResult<R>> {
    if (performance.now() - this.turnAt > PGLITE_TURN_MS) {
      await new Promise((resolve) => setImmediate(resolve));
      this.turnAt = performance.now();
    }
    // Without parameters use the simple protocol, which (like node-postgres) accepts several
    // statements at once — migrations rely on it.
    if (query.parameters.length === 0 && !KEEPS_TYPES.test(query.sql)) this.statements.forget();
    const result =
      query.parameters.length === 0
        ? ((await this.pg.exec(query.sql)).at(-1) ?? { rows: [], affectedRows: 0 })
        : await this.statements.query<R>(query.sql, [...query.parameters]);
    return {
      rows: result.rows as R[],
      numAffectedRows: result.affectedRows === undefined ? undefined : BigInt(result.affectedRows),
    };
  }

  // biome-ignore lint/correctness/useYield: streaming is not offered by PGlite; the generator only refuses.
  async *streamQuery<R>(): AsyncIterableIterator<QueryResult<R>> {
    throw new Error('PGlite does not stream query results');
  }
}
