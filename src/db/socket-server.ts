import { chmodSync, rmSync } from 'node:fs';
import { createServer, type Socket } from 'node:net';
import { join } from 'node:path';
import type { PGlite } from '@electric-sql/pglite';

/** node-postgres and psql find a server's Unix socket as `<dir>/.s.PGSQL.<port>`. */
export const SOCKET_PORT = 5432;
export const socketPath = (dir: string): string => join(dir, `.s.PGSQL.${SOCKET_PORT}`);

/**
 * How long a client may sit quiet holding the database before it is cut off: the server's own
 * requests wait while any client holds it. Inside a transaction it may be quiet longer: `ledger
 * verify` keeps one snapshot of the database open while it rebuilds every table in its own process,
 * and a batch of that can take more than the half minute (it was cut off midway and crashed).
 */
export const IDLE_LIMITS = { outsideTransactionMs: 30_000, inTransactionMs: 10 * 60_000 };
const SSL_REQUEST = 80_877_103;
const TERMINATE = 0x58; // 'X'

/**
 * The answer to a client's startup message, given here rather than by PGlite: its session is
 * already open in this process (and it stops the whole database on a user name it does not know).
 * Authentication OK, the settings node-postgres and psql read, then ready for a query.
 */
const READY = Buffer.concat([
  message('R', int32(0)),
  ...Object.entries({
    server_version: '18.6',
    server_encoding: 'UTF8',
    client_encoding: 'UTF8',
    DateStyle: 'ISO, MDY',
    integer_datetimes: 'on',
    standard_conforming_strings: 'on',
    TimeZone: 'UTC',
  }).map(([name, value]) => message('S', Buffer.from(`${name}\0${value}\0`))),
  message('Z', Buffer.from('I')),
]);

function message(type: string, body: Buffer): Buffer {
  return Buffer.concat([Buffer.from(type), int32(body.length + 4), body]);
}

function int32(n: number): Buffer {
  const b = Buffer.alloc(4);
  b.writeInt32BE(n);
  return b;
}

export interface WireServerOptions {
  pglite: PGlite;
  /** Gives one connection the database to itself; this process's own queries wait meanwhile. */
  exclusive<T>(work: () => Promise<T>): Promise<T>;
  dir: string;
  onError?: (error: unknown) => void;
  /** Tests shorten them. */
  idle?: typeof IDLE_LIMITS;
}

/**
 * Lets other `hashforge` processes use the embedded database while `serve` holds it: PostgreSQL's
 * wire protocol on a Unix socket inside the data directory (so only its owner can connect),
 * handed to PGlite message by message. PGlite is one session, so each connection gets it to
 * itself for its lifetime: an open transaction of one can never mix with another's statements.
 * Returns how to stop listening.
 */
export async function startWireServer(opts: WireServerOptions): Promise<() => Promise<void>> {
  const path = socketPath(opts.dir);
  rmSync(path, { force: true }); // left by a server that was killed
  const sockets = new Set<Socket>();
  const server = createServer((socket) => {
    sockets.add(socket);
    socket.once('close', () => sockets.delete(socket));
    serveConnection(socket, opts).catch((error: unknown) => {
      opts.onError?.(error);
      socket.destroy();
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(path, () => resolve());
  });
  chmodSync(path, 0o600);
  return async () => {
    for (const s of sockets) s.destroy();
    await new Promise<void>((resolve) => server.close(() => resolve()));
    rmSync(path, { force: true });
  };
}

async function serveConnection(socket: Socket, opts: WireServerOptions): Promise<void> {
  const frames = new Frames();
  let wake: (() => void) | undefined;
  let closed = false;
  let heardAt = performance.now();
  socket.on('data', (chunk: Buffer) => {
    heardAt = performance.now();
    frames.push(chunk);
    wake?.();
  });
  socket.once('close', () => {
    closed = true;
    wake?.();
  });
  socket.on('error', () => socket.destroy());
  const idle = opts.idle ?? IDLE_LIMITS;
  // Looked at after every quiet spell of the shorter limit; PGlite's transaction is this client's
  // own (it holds the database exclusively).
  socket.on('timeout', () => {
    const limit = opts.pglite.isInTransaction() ? idle.inTransactionMs : idle.outsideTransactionMs;
    if (performance.now() - heardAt >= limit) socket.destroy();
    else socket.setTimeout(idle.outsideTransactionMs); // to look again after another quiet spell
  });
  socket.setTimeout(idle.outsideTransactionMs);
  // Each piece of the reply goes out as PGlite writes it, copied: it is a view of the database's
  // memory, reused for the next piece. `execProtocolRaw` would also parse every reply into a list it
  // keeps until the process's next ordinary query, so a long session here (a CLI listing, a
  // `ledger verify`) grew by everything it read.
  const forward = (piece: Uint8Array) => {
    if (!socket.destroyed) socket.write(Buffer.from(piece));
  };

  await opts.exclusive(async () => {
    try {
      while (!closed) {
        const messages = frames.take();
        if (messages === undefined) {
          await new Promise<void>((resolve) => {
            wake = resolve;
          });
          wake = undefined;
          continue;
        }
        if (messages === 'ssl') {
          socket.write('N'); // no TLS on a local socket; the client goes on in plain text
          continue;
        }
        if (messages === 'terminate') break;
        if (messages === 'startup') {
          socket.write(READY);
          continue;
        }
        await opts.pglite.execProtocolRawStream(messages, { onRawData: forward });
      }
    } finally {
      // A client that died mid-transaction must not leave its transaction to the next user.
      if (opts.pglite.isInTransaction()) await opts.pglite.exec('rollback');
      socket.destroy();
    }
  });
}

/**
 * Splits the byte stream into whole protocol messages: PGlite must be handed complete ones. The
 * first message (startup, or a TLS request) has no type byte; every later one does.
 */
class Frames {
  private buffer: Buffer = Buffer.alloc(0);
  private started = false;

  push(chunk: Buffer): void {
    this.buffer = this.buffer.length === 0 ? chunk : Buffer.concat([this.buffer, chunk]);
  }

  /** Every whole message buffered, or what the client asked for in place of a query. */
  take(): Uint8Array | 'ssl' | 'startup' | 'terminate' | undefined {
    if (!this.started) {
      if (this.buffer.length < 8) return undefined;
      const length = this.buffer.readInt32BE(0);
      if (this.buffer.length < length) return undefined;
      const startup = this.buffer.subarray(0, length);
      this.buffer = this.buffer.subarray(length);
      if (length === 8 && startup.readInt32BE(4) === SSL_REQUEST) return 'ssl';
      this.started = true;
      return 'startup';
    }
    let end = 0;
    while (this.buffer.length - end >= 5) {
      if (this.buffer[end] === TERMINATE) return end === 0 ? 'terminate' : this.cut(end);
      const next = end + 1 + this.buffer.readInt32BE(end + 1);
      if (next > this.buffer.length) break;
      end = next;
    }
    return end === 0 ? undefined : this.cut(end);
  }

  private cut(end: number): Uint8Array {
    const messages = new Uint8Array(this.buffer.subarray(0, end));
    this.buffer = this.buffer.subarray(end);
    return messages;
  }
}
