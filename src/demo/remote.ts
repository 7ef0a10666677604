/**
 * The demo rack's simulated miners live inside the `serve --demo` process, so a command that acts
 * on them asks that server over HTTP: at --url, else where the server of the embedded data
 * directory announced itself; as --token / HASHFORGE_TOKEN, else that server's local admin.
 */
import type { Config } from '../app/config.js';
import { ownerOf } from '../app/owner-lock.js';
import { readLocalAdminToken } from '../auth/local-admin.js';
import { AppError, type ErrorKind, HTTP_STATUS, invalid } from '../kernel/errors.js';

export interface ServerCall {
  url: string | undefined;
  token: string | undefined;
}

function serverOf(config: Config, call: ServerCall): { url: string; token: string } {
  const dataDir = config.database.kind === 'embedded' ? config.database.dataDir : undefined;
  const url = call.url ?? (dataDir ? ownerOf(dataDir)?.url : undefined);
  if (!url) {
    throw new AppError(
      'unavailable',
      'demo.no-server',
      'No running HashForge server found: start it with `npm start` (hashforge serve --demo), or pass --url.',
      'url',
    );
  }
  if (!/^https?:\/\//.test(url)) throw invalid('url', `--url must be http(s)://host:port, got "${url}".`);
  const token = call.token ?? config.token ?? (dataDir ? readLocalAdminToken(dataDir) : undefined);
  if (!token) throw invalid('token', 'Pass --token (or set HASHFORGE_TOKEN): an admin token of that server.');
  return { url: url.replace(/\/$/, ''), token };
}

const KIND_OF_STATUS = new Map(
  Object.entries(HTTP_STATUS).map(([kind, status]) => [status, kind as ErrorKind]),
);

/** One JSON request to the running server; its refusal becomes the same error, so the same exit code. */
export async function callServer<T>(
  config: Config,
  call: ServerCall,
  path: string,
  body?: unknown,
): Promise<T> {
  const { url, token } = serverOf(config, call);
  const res = await fetch(`${url}${path}`, {
    method: body === undefined ? 'GET' : 'POST',
    headers: {
      authorization: `Bearer ${token}`,
      ...(body === undefined ? {} : { 'content-type': 'application/json' }),
    },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  }).catch((error: Error) => {
    throw new AppError(
      'unavailable',
      'demo.no-server',
      `The server at ${url} did not answer (${error.message}).`,
      'url',
    );
  });
  const text = await res.text();
  const json = parsed(text);
  if (res.ok) return json as T;
  const e = (json as { error?: { code?: string; message?: string; field?: string } } | undefined)?.error;
  throw new AppError(
    KIND_OF_STATUS.get(res.status) ?? 'unavailable',
    e?.code ?? `http-${res.status}`,
    e?.message ?? `The server answered ${res.status}.`,
    e?.field,
  );
}

function parsed(text: string): unknown {
  try {
    return text ? JSON.parse(text) : undefined;
  } catch {
    return undefined; // a proxy's page, not the server's answer: the status says enough
  }
}
