import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Actor, AppContext } from '../app/context.js';
import { AppError } from '../kernel/errors.js';
import { authenticate, createToken } from './tokens.js';

/**
 * The local user of an embedded database has an admin token, kept in the data directory in a file
 * only its owner can read (the database stores only its hash). `hashforge serve` makes it on the
 * start that finds none (or finds it revoked), and prints it then only; `hashforge token` prints
 * it again for whoever can read the file.
 */
export const adminTokenFile = (dataDir: string): string => join(dataDir, 'admin-token');

/** The local admin token, made when there is none that works; `created` says whether it is new. */
export async function ensureLocalAdminToken(
  ctx: AppContext,
  actor: Actor,
  dataDir: string,
): Promise<{ token: string; created: boolean }> {
  const file = adminTokenFile(dataDir);
  if (existsSync(file)) {
    const token = readFileSync(file, 'utf8').trim();
    const valid = await authenticate(ctx, token).then(
      () => true,
      () => false,
    );
    if (valid) return { token, created: false };
  }
  const { token } = await createToken(ctx, actor, { name: 'local-admin', role: 'admin' });
  writeFileSync(file, `${token}\n`, { mode: 0o600 });
  return { token, created: true };
}

/** The token `serve` keeps in `dataDir`, read from its file; an error that says how to get one. */
export function readLocalAdminToken(dataDir: string): string {
  const file = adminTokenFile(dataDir);
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') {
      throw new AppError(
        'not-found',
        'auth.no-local-token',
        `There is no admin token in ${dataDir} yet: hashforge serve makes one on its first start.`,
      );
    }
    if (code === 'EACCES') {
      throw new AppError(
        'forbidden',
        'auth.local-token-unreadable',
        `${file} is readable only by the user who started hashforge serve there.`,
      );
    }
    throw error;
  }
  return text.trim();
}
