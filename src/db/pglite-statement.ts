import { messages, type PGlite, parse, protocol, type Results } from '@electric-sql/pglite';

const { serialize } = protocol;

/** The most statement texts whose parameter types are remembered (a cold quarterly report runs some 75). */
const REMEMBERED_TEXTS = 2000;

/**
 * One parameterised statement on PGlite in one call into the database, where `pg.query` makes six
 * (Parse, Describe statement, Bind, Describe portal, Execute, Sync, each its own trip through
 * PGlite's wrappers and the WASM main loop) under two mutexes. The messages sent and the reply read
 * are the ones `pg.query` sends and reads, so rows, types and errors are the same:
 * - PGlite's serializers turn each parameter into text by the type the server gives it, so the
 *   server must describe the statement before the values can be bound. The first time a text is
 *   seen it goes as `pg.query` sends it, in two calls (Parse + Describe; then Bind + Describe +
 *   Execute + Sync); the types the server inferred are kept, and later runs of the same text send
 *   them with the Parse, so the server takes the types the values were written for, and all five
 *   messages go in one call.
 * - The reply is parsed by PGlite's own `execProtocolStream`, which `query` uses too (notices,
 *   notifications and the server's first error handled alike), and made into rows by PGlite's own
 *   `parseResults` with its parsers (ours among them).
 * A text's types can change only when the schema or the search path does: `forget` is called when
 * a statement without parameters runs that is not plain data work (migrations, `set`), and when
 * another process has had the database (see `PGliteDialect.exclusive`).
 *
 * What `pg.query` does besides, left out here: its mutexes (the driver already hands PGlite to one
 * user at a time, the socket server included), `syncToFs` (a no-op on the node and memory file
 * systems we open) and blobs (`COPY … '/dev/blob'`, which we do not use).
 */
export class PGliteStatements {
  private readonly types = new Map<string, number[]>();
  constructor(private readonly pg: PGlite) {}

  forget(): void {
    this.types.clear();
  }

  async query<R>(text: string, params: readonly unknown[]): Promise<Results<R>> {
    // A closed or closing PGlite refuses as `query` does (its own check, only when not ready).
    if (!this.pg.ready) await this.pg._checkReady();
    try {
      const known = this.types.get(text);
      const reply = known
        ? await this.send(serialize.parse({ text, types: known }), ...this.run(known, params)).catch((e) => {
            // Types that no longer fit (a schema change not seen) are found again on the next run.
            this.types.delete(text);
            throw e;
          })
        : await this.describeThenRun(text, params);
      return parse.parseResults(reply, this.pg.parsers)[0] as Results<R>;
    } catch (e) {
      throw e instanceof messages.DatabaseError
        ? Object.assign(e, { query: text, params, queryOptions: undefined })
        : e;
    }
  }

  private async describeThenRun(text: string, params: readonly unknown[]) {
    let parsed: messages.BackendMessage[];
    let types: number[];
    try {
      parsed = await this.send(serialize.parse({ text }), serialize.describe({ type: 'S' }));
      types = parse.parseDescribeStatementResults(parsed);
    } catch (e) {
      // The server skips everything after an error until a Sync: send it, as `query` does.
      await this.send(serialize.sync());
      throw e;
    }
    let run: Uint8Array[];
    try {
      run = this.run(types, params);
    } catch (e) {
      // A value its type's writer refuses (an invalid Date): the Parse is answered, end it with a Sync.
      await this.send(serialize.sync());
      throw e;
    }
    if (this.types.size >= REMEMBERED_TEXTS) this.types.clear();
    this.types.set(text, types);
    // `query` keeps the Parse's reply but not the Describe's (its RowDescription would be read twice).
    return [...parsed.filter((m) => m.name === 'parseComplete'), ...(await this.send(...run))];
  }

  /** Bind, Describe, Execute, Sync: the values written for the server's types, as `query` writes them. */
  private run(types: readonly number[], params: readonly unknown[]): Uint8Array[] {
    const values = params.map((param, i) => {
      if (param === null || param === undefined) return null;
      const write = this.pg.serializers[types[i] as number];
      return write ? write(param) : (param as { toString(): string }).toString();
    });
    return [
      serialize.bind({ values }),
      serialize.describe({ type: 'P' }),
      serialize.execute({}),
      serialize.sync(),
    ];
  }

  private send(...parts: Uint8Array[]): Promise<messages.BackendMessage[]> {
    return this.pg.execProtocolStream(concat(parts), { syncToFs: false });
  }
}

function concat(parts: readonly Uint8Array[]): Uint8Array {
  if (parts.length === 1) return parts[0] as Uint8Array;
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}
