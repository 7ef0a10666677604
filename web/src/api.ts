/** The dashboard's only way to the system: the HTTP API, with the token kept for this tab. */

/** Where the tab keeps its token (the browser tests put one there to skip the sign-in form). */
export const TOKEN_KEY = 'hashforge.token';

export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly field?: string,
  ) {
    super(message);
  }
}

type Listener = () => void;
const signedOutListeners = new Set<Listener>();

export const session = {
  token: (): string | null => sessionStorage.getItem(TOKEN_KEY),
  signIn(token: string) {
    sessionStorage.setItem(TOKEN_KEY, token);
  },
  signOut() {
    sessionStorage.removeItem(TOKEN_KEY);
    for (const l of signedOutListeners) l();
  },
  onSignOut(l: Listener): () => void {
    signedOutListeners.add(l);
    return () => signedOutListeners.delete(l);
  },
};

export interface CallOptions {
  method?: 'GET' | 'POST' | 'PATCH' | 'PUT' | 'DELETE';
  body?: unknown;
  /** Sent as Idempotency-Key so that a retried click records once. */
  idempotencyKey?: string;
  /** A token other than the session's (sign-in checks one before keeping it). */
  token?: string;
  signal?: AbortSignal;
}

async function send(path: string, opts: CallOptions): Promise<Response> {
  const token = opts.token ?? session.token();
  const headers: Record<string, string> = {};
  if (token) headers.authorization = `Bearer ${token}`;
  if (opts.body !== undefined) headers['content-type'] = 'application/json';
  if (opts.idempotencyKey) headers['idempotency-key'] = opts.idempotencyKey;
  try {
    return await fetch(path, {
      method: opts.method ?? 'GET',
      headers,
      ...(opts.body !== undefined ? { body: JSON.stringify(opts.body) } : {}),
      ...(opts.signal ? { signal: opts.signal } : {}),
    });
  } catch (error) {
    if ((error as Error).name === 'AbortError') throw error;
    throw new ApiError(0, 'network', 'The server could not be reached; check that HashForge is running.');
  }
}

async function failure(res: Response, signedIn: boolean): Promise<ApiError> {
  const text = await res.text();
  let body: { error?: { code?: string; message?: string; field?: string } } = {};
  try {
    body = JSON.parse(text);
  } catch {
    // not JSON: a proxy's or the server's plain page; the status says enough
  }
  const e = body.error;
  if (res.status === 401 && signedIn) session.signOut();
  return new ApiError(
    res.status,
    e?.code ?? `http-${res.status}`,
    e?.message ?? `The server answered ${res.status} ${res.statusText}.`,
    e?.field,
  );
}

export async function api<T>(path: string, opts: CallOptions = {}): Promise<T> {
  const res = await send(path, opts);
  if (!res.ok) throw await failure(res, !opts.token);
  const text = await res.text();
  return (text ? JSON.parse(text) : undefined) as T;
}

/**
 * Every item of a list the API gives a page at a time (`after` the last id, `limit` per page): read
 * page by page until one comes back short.
 */
export async function apiPages<T extends { id: number }>(
  path: string,
  opts: CallOptions = {},
  limit = 500,
): Promise<T[]> {
  const out: T[] = [];
  const sep = path.includes('?') ? '&' : '?';
  for (;;) {
    const page = await api<T[]>(`${path}${sep}${query({ limit, after: out.at(-1)?.id }).slice(1)}`, opts);
    out.push(...page);
    if (page.length < limit) return out;
  }
}

/**
 * An NDJSON answer (a long run's progress, then its result), each line parsed and handed on as it
 * arrives rather than when the whole answer has come.
 */
export async function apiLines(path: string, onLine: (line: unknown) => void, opts: CallOptions = {}) {
  const res = await send(path, opts);
  if (!res.ok || !res.body) throw await failure(res, !opts.token);
  const reader = res.body.pipeThrough(new TextDecoderStream()).getReader();
  let partial = '';
  for (;;) {
    const { value, done } = await reader.read();
    const lines = (partial + (value ?? '')).split('\n');
    partial = done ? '' : (lines.pop() ?? '');
    for (const line of lines) if (line.trim()) onLine(JSON.parse(line));
    if (done) return;
  }
}

/** The raw answer, for downloads (the report's PDF). */
export async function download(path: string): Promise<Blob> {
  const res = await send(path, {});
  if (!res.ok) throw await failure(res, true);
  return res.blob();
}

export const newKey = (): string =>
  typeof crypto.randomUUID === 'function'
    ? crypto.randomUUID()
    : `${Date.now().toString(36)}-${Math.random().toString(36).slice(2)}`;

export function query(params: Record<string, string | number | undefined | null>): string {
  const q = new URLSearchParams();
  for (const [k, v] of Object.entries(params))
    if (v !== undefined && v !== null && v !== '') q.set(k, String(v));
  const s = q.toString();
  return s ? `?${s}` : '';
}
