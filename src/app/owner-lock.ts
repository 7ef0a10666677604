import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { AppError } from '../kernel/errors.js';
import { sameProcess, thisProcessStarted } from './process.js';

/**
 * PGlite is a database inside one process: two processes opening one data directory would corrupt
 * it. The owner writes its pid (and, for `serve`, its address) here; others stop with a sentence
 * that says what to do instead.
 */
export interface Owner {
  pid: number;
  /** When its process started (ms since the epoch), to tell it from a later one given its pid. */
  started?: number;
  command: string;
  url?: string;
  /** `serve` lets other processes in through a socket in the data directory (db/socket-server.ts). */
  socket?: boolean;
}

const lockPath = (dataDir: string) => join(dataDir, 'owner.json');

export function takeOwnership(dataDir: string, command: string): () => void {
  mkdirSync(dataDir, { recursive: true, mode: 0o700 });
  const path = lockPath(dataDir);
  const current = ownerOf(dataDir);
  if (current && current.pid !== process.pid) {
    const how =
      current.command !== 'serve'
        ? 'wait for it to finish'
        : command === 'serve'
          ? `it already serves this data directory${current.url ? ` at ${current.url}` : ''}; stop it first`
          : 'it is starting; try again in a moment';
    throw new AppError(
      'unavailable',
      'db.embedded-busy',
      `The embedded database in ${dataDir} is open by \`hashforge ${current.command}\` (pid ${current.pid}): ${how}, or set DATABASE_URL to use a PostgreSQL server.`,
    );
  }
  writeFileSync(
    path,
    JSON.stringify({ pid: process.pid, started: thisProcessStarted(), command } satisfies Owner),
    { mode: 0o600 },
  );
  return () => {
    if (readOwner(path)?.pid === process.pid) rmSync(path, { force: true });
  };
}

/**
 * The process holding the data directory now, if one is alive. What a killed owner left names a
 * dead process, or one that got its pid since, and holds nothing.
 */
export function ownerOf(dataDir: string): Owner | undefined {
  const current = readOwner(lockPath(dataDir));
  return current && sameProcess(current.pid, current.started) ? current : undefined;
}

/** What the owner offers others: its address, and that its socket is open. */
export function announce(dataDir: string, offer: Pick<Owner, 'url' | 'socket'>): void {
  const path = lockPath(dataDir);
  const current = readOwner(path);
  if (current?.pid === process.pid)
    writeFileSync(path, JSON.stringify({ ...current, ...offer }), { mode: 0o600 });
}

function readOwner(path: string): Owner | undefined {
  if (!existsSync(path)) return undefined;
  try {
    return JSON.parse(readFileSync(path, 'utf8')) as Owner;
  } catch {
    return undefined;
  }
}
