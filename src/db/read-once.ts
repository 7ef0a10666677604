import {
  type CompiledQuery,
  type ConnectionBuilder,
  type DatabaseConnection,
  type Driver,
  Kysely,
  type KyselyConfig,
  PostgresAdapter,
  PostgresIntrospector,
  PostgresQueryCompiler,
  type QueryResult,
  type TransactionBuilder,
} from 'kysely';
import type { Db } from './db.js';
import type { CoreTables } from './schema.js';

/**
 * A read: a statement that starts with `select` or `with` and names nothing that writes, locks or
 * moves with each call (a sequence, an advisory lock, the snapshot). Anything else passes through.
 */
const READ = /^\s*(select|with)\b/i;
const NOT_A_PLAIN_READ =
  /\b(insert|update|delete|merge|for\s+(no\s+key\s+)?update|for\s+(key\s+)?share|nextval|setval|pg_advisory\w*|pg_current_snapshot|txid_current\w*)\b/i;
const isPlainRead = (text: string) => READ.test(text) && !NOT_A_PLAIN_READ.test(text);

/**
 * A handle on `db` for one computation that only reads and reads the same things many times over
 * (a quarterly report: its sections ask for the same sites, fleet days, builds or prices a dozen
 * times each; over half of a cold report's ~180 statements were repeats, each paying the embedded
 * database's fixed cost of ~0.5-1 ms). The same statement with the same parameters runs once; each
 * caller gets its own copy of the rows, so none sees another's changes to them.
 *
 * The computation's reads were never one snapshot (no transaction holds them together), so a
 * repeat answered as the first read was is an answer the database gave while it ran. A statement
 * that is not a plain read passes through and forgets every answer, so a read after a write sees it.
 * A transaction (`transaction()`, `connection()`) is the database's own, its reads not remembered:
 * a read that needs one snapshot (the SLA's centres and rows) gets it; the handle forgets its
 * answers when one begins and when it ends, as it may have written.
 */
export function readOnce(db: Db): Db {
  const answers = new Map<string, Promise<QueryResult<unknown>>>();
  const connection: DatabaseConnection = {
    async executeQuery<R>(query: CompiledQuery): Promise<QueryResult<R>> {
      if (!isPlainRead(query.sql)) {
        // Forgotten again once it settles: a read that ran beside the write may have kept what was
        // there before it.
        answers.clear();
        try {
          return await db.executeQuery<R>(query);
        } finally {
          answers.clear();
        }
      }
      const key = `${query.sql}\u0000${JSON.stringify(query.parameters, wireValue)}`;
      let answer = answers.get(key);
      if (!answer) {
        answer = db.executeQuery<unknown>(query);
        answers.set(key, answer);
        // A failure is not kept: the next caller asks again.
        answer.catch(() => {
          if (answers.get(key) === answer) answers.delete(key);
        });
      }
      const { rows, ...rest } = await answer;
      return { ...rest, rows: copied(rows) as R[] };
    },
    // biome-ignore lint/correctness/useYield: a report's reads are not streamed; the generator only refuses.
    async *streamQuery<R>(): AsyncIterableIterator<QueryResult<R>> {
      throw new Error('readOnce: rows are not streamed through a handle for repeated reads.');
    },
  };
  const noTransactions = async () => {
    throw new Error(
      'readOnce: a transaction is begun on the database itself (transaction()), not on a handle derived from this one.',
    );
  };
  const driver: Driver = {
    init: async () => {},
    acquireConnection: async () => connection,
    beginTransaction: noTransactions,
    commitTransaction: noTransactions,
    rollbackTransaction: noTransactions,
    releaseConnection: async () => {},
    destroy: async () => {},
  };
  return new ReadOnceDb(db, () => answers.clear(), {
    dialect: {
      createAdapter: () => new PostgresAdapter(),
      createDriver: () => driver,
      createIntrospector: (k) => new PostgresIntrospector(k),
      createQueryCompiler: () => new PostgresQueryCompiler(),
    },
  });
}

/** The handle: its transactions and held connections are the database's own. */
class ReadOnceDb extends Kysely<CoreTables> {
  constructor(
    private readonly database: Db,
    private readonly forget: () => void,
    config: KyselyConfig,
  ) {
    super(config);
  }
  override transaction(): TransactionBuilder<CoreTables> {
    return forgettingAround(this.database.transaction(), this.forget);
  }
  override connection(): ConnectionBuilder<CoreTables> {
    return forgettingAround(this.database.connection(), this.forget);
  }
  /**
   * This handle under a wider type. Kysely's own makes a plain Kysely over the same driver, whose
   * transactions this driver refuses: a module's store (`svc(db)`, `miningDb(db)`) taking one
   * through its view of the handle failed where the handle itself would not.
   */
  // biome-ignore lint/suspicious/noExplicitAny: Kysely's own signature
  override withTables<T extends Record<string, Record<string, any>>>(): Kysely<CoreTables & T> {
    return this as unknown as Kysely<CoreTables & T>;
  }
}

/**
 * A transaction or connection builder whose `execute` calls `forget` before it begins and after it
 * settles; its other methods (`setIsolationLevel`, ...) give builders that do the same.
 */
function forgettingAround<B extends object>(builder: B, forget: () => void): B {
  return new Proxy(builder, {
    get(target, prop) {
      const value: unknown = Reflect.get(target, prop);
      if (typeof value !== 'function') return value;
      if (prop === 'execute') {
        return (...args: unknown[]) => {
          forget();
          return (value.apply(target, args) as Promise<unknown>).finally(forget);
        };
      }
      return (...args: unknown[]) => {
        const made: unknown = value.apply(target, args);
        return made instanceof target.constructor ? forgettingAround(made as B, forget) : made;
      };
    },
  });
}

/** Parameters as the key tells them apart: bigints as their digits, tagged so 1n is not "1". */
function wireValue(_key: string, value: unknown) {
  return typeof value === 'bigint' ? { bigint: value.toString() } : value;
}

/**
 * A deep copy of rows as a driver gives them. Strings are shared, not copied: they cannot be
 * changed, and a report's largest rows are mostly text (structuredClone copied every character, a
 * twentieth of a cold report's time).
 */
function copied(value: unknown): unknown {
  if (value === null || typeof value !== 'object') return value;
  if (Array.isArray(value)) return value.map(copied);
  if (value instanceof Date) return new Date(value.getTime());
  // node-postgres's bytea: structuredClone would give a plain Uint8Array, no longer a Buffer.
  if (Buffer.isBuffer(value)) return Buffer.from(value);
  const proto = Object.getPrototypeOf(value);
  if (proto !== Object.prototype && proto !== null) return structuredClone(value);
  const out: Record<string, unknown> = {};
  for (const key of Object.keys(value)) out[key] = copied((value as Record<string, unknown>)[key]);
  return out;
}
