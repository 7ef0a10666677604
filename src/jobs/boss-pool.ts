/**
 * pg-boss's connections, in a pool of ours rather than its own, so that its stop is bounded. pg's
 * `end` waits for every connection to be given back, and one held by a query on a link gone silent
 * (the database's host unreachable: no reset, no answer) is given back only when TCP gives up, many
 * minutes on: a job engine stopped then did not return, its fetch loops still waiting. Here, after
 * a grace, the sockets still open are destroyed: their queries fail (their callers hear it) and the
 * pool ends.
 */
import { Socket } from 'node:net';
import type Boss from 'pg-boss';
import type { Logger } from 'pino';
import { waitAtMost } from '../kernel/nap.js';

/** A connection not made within this long is given up: an unreachable host answers nothing. */
const CONNECT_TIMEOUT_MS = 10_000;

export interface BossPool {
  /** What pg-boss runs its statements through (its `db` option). */
  db: Boss.Db;
  /**
   * Ends the pool, cutting whatever connection is still held after `graceMs`. A second close waits
   * for the first (a start cut by a close closes the pool too).
   */
  close(graceMs: number): Promise<void>;
}

export async function bossPool(connectionString: string, max: number, log: Logger): Promise<BossPool> {
  const { default: pg } = await import('pg');
  const sockets = new Set<Socket>();
  const pool = new pg.Pool({
    connectionString,
    max,
    application_name: 'pgboss',
    connectionTimeoutMillis: CONNECT_TIMEOUT_MS,
    // pg makes each connection's socket here: the pool keeps no list of them it would give out.
    stream: () => {
      const socket = new Socket();
      sockets.add(socket);
      socket.once('close', () => sockets.delete(socket));
      return socket;
    },
  });
  // An idle connection cut is reported here; unheard, the report would end the process.
  pool.on('error', (error: Error) => log.warn({ err: error }, `job engine: ${error.message}`));
  let closing: Promise<void> | undefined;
  const close = async (graceMs: number) => {
    const ended = pool.end();
    if (
      (await waitAtMost(
        ended.then(() => true),
        graceMs,
      )) !== undefined
    )
      return;
    log.warn(`job engine: ${sockets.size} connections still held after ${graceMs} ms: cut`);
    for (const socket of sockets) socket.destroy();
    await ended;
  };
  return {
    db: { executeSql: (text, values) => pool.query(text, values) },
    close: (graceMs) => {
      closing ??= close(graceMs);
      return closing;
    },
  };
}
