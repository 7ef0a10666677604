/**
 * The agent's spool: every part of every sweep goes here first, and the forwarder takes it to the
 * central database in order. An embedded PGlite in the agent's own directory, not the local NATS
 * JetStream: PGlite is already in the package (nothing more to install or run on a site's host),
 * it is durable across a restart of the agent, and the agent needs no more than an ordered table.
 * Forwarded parts are deleted: the spool is a buffer, the central database is the history.
 */
import type { PGlite } from '@electric-sql/pglite';
import { newPGlite } from '../db/db.js';
import { readingsOf, type SpoolItem } from './model.js';

export interface Spooled {
  seq: number;
  item: SpoolItem;
}

export interface SpoolSize {
  items: number;
  readings: number;
  oldest: Date | undefined;
  bytes: number;
}

export class Spool {
  private constructor(private readonly pglite: PGlite) {}

  static async open(dir: string): Promise<Spool> {
    const pglite = await newPGlite(dir);
    await pglite.exec(`
      create table if not exists spool (
        seq bigint generated always as identity primary key,
        key text not null unique,
        site text not null,
        at timestamptz not null,
        readings integer not null,
        body text not null
      )`);
    return new Spool(pglite);
  }

  /** Adds a part after every other; the same part twice (a retried write) is kept once. */
  async append(item: SpoolItem): Promise<void> {
    await this.pglite.query(
      'insert into spool (key, site, at, readings, body) values ($1, $2, $3, $4, $5) on conflict (key) do nothing',
      [item.key, item.site, item.at, readingsOf(item), JSON.stringify(item)],
    );
  }

  /** The oldest parts, in the order they were made. */
  async first(limit: number): Promise<Spooled[]> {
    const r = await this.pglite.query<{ seq: number | bigint; body: string }>(
      'select seq, body from spool order by seq limit $1',
      [limit],
    );
    return r.rows.map((row) => ({ seq: Number(row.seq), item: JSON.parse(row.body) as SpoolItem }));
  }

  async drop(seq: number): Promise<void> {
    await this.pglite.query('delete from spool where seq = $1', [seq]);
  }

  async size(): Promise<SpoolSize> {
    const r = await this.pglite.query<{
      items: number;
      readings: number | null;
      oldest: Date | null;
      bytes: number | null;
    }>(
      `select count(*)::int as items, sum(readings)::int as readings, min(at) as oldest,
         sum(octet_length(body))::int8 as bytes from spool`,
    );
    const row = r.rows[0]!;
    return {
      items: row.items,
      readings: row.readings ?? 0,
      oldest: row.oldest ?? undefined,
      bytes: Number(row.bytes ?? 0),
    };
  }

  async close(): Promise<void> {
    await this.pglite.close();
  }
}
