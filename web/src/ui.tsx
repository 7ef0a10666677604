import {
  Component,
  type FormEvent,
  type InputHTMLAttributes,
  type ReactNode,
  type SelectHTMLAttributes,
  useCallback,
  useEffect,
  useId,
  useRef,
  useState,
} from 'react';
import { afterFieldName } from '../../src/kernel/errors.js';
import { ApiError, api, apiPages, newKey } from './api.js';
import { PHONE_QUERY } from './table/state.js';

export interface Loaded<T> {
  data: T | undefined;
  error: ApiError | undefined;
  loading: boolean;
  reload: () => void;
}

/** GET a path (null: nothing yet); `everyMs` re-reads it for live pages, keeping the last answer shown. */
/** `pages`: the path lists items a page at a time by id; every page is read (apiPages). */
/** `keep`: a new path (another page of a list) keeps the last answer shown until the next arrives. */
export function useApi<T>(
  path: string | null,
  opts: { everyMs?: number; pages?: boolean; keep?: boolean } = {},
): Loaded<T> {
  const [state, setState] = useState<{ path: string | null; data?: T; error?: ApiError; loading: boolean }>({
    path,
    loading: path !== null,
  });
  const [tick, setTick] = useState(0);
  // biome-ignore lint/correctness/useExhaustiveDependencies: a new tick is how reload and everyMs ask to read again
  useEffect(() => {
    if (path === null) return;
    const abort = new AbortController();
    setState((s) => ({
      ...s,
      path,
      loading: true,
      ...(s.path !== path ? { error: undefined, ...(opts.keep ? {} : { data: undefined }) } : {}),
    }));
    const read = opts.pages
      ? (apiPages(path, { signal: abort.signal }) as Promise<T>)
      : api<T>(path, { signal: abort.signal });
    read.then(
      (data) => setState({ path, data, loading: false }),
      (error: unknown) => {
        if ((error as Error).name === 'AbortError') return;
        setState((s) => ({ ...s, path, error: asApiError(error), loading: false }));
      },
    );
    return () => abort.abort();
  }, [path, tick]);
  useEffect(() => {
    if (!opts.everyMs || path === null) return;
    const t = setInterval(() => setTick((n) => n + 1), opts.everyMs);
    return () => clearInterval(t);
  }, [opts.everyMs, path]);
  const reload = useCallback(() => setTick((n) => n + 1), []);
  const current = state.path === path;
  return {
    data: current || opts.keep ? state.data : undefined,
    error: current ? state.error : undefined,
    loading: path !== null && (!current || state.loading),
    reload,
  };
}

/** Several GETs read together (a chart of eight quarters); fails as a whole with the first error. */
export function useApiAll<T>(paths: string[]): Loaded<T[]> {
  const key = paths.join('\n');
  const [state, setState] = useState<{ key: string; data?: T[]; error?: ApiError }>({ key });
  const [tick, setTick] = useState(0);
  // biome-ignore lint/correctness/useExhaustiveDependencies: key stands for paths; a new tick reads again
  useEffect(() => {
    const abort = new AbortController();
    Promise.all(key.split('\n').map((p) => api<T>(p, { signal: abort.signal }))).then(
      (data) => setState({ key, data }),
      (error: unknown) => {
        if ((error as Error).name !== 'AbortError') setState({ key, error: asApiError(error) });
      },
    );
    return () => abort.abort();
  }, [key, tick]);
  const reload = useCallback(() => setTick((n) => n + 1), []);
  const current = state.key === key;
  return {
    data: current ? state.data : undefined,
    error: current ? state.error : undefined,
    loading: !current || (!state.data && !state.error),
    reload,
  };
}

function asApiError(error: unknown): ApiError {
  if (error instanceof ApiError) return error;
  return new ApiError(0, 'client', (error as Error)?.message ?? 'Something went wrong in the page.');
}

/**
 * A form that posts to the API: one idempotency key per attempt (kept across a retry of the same
 * values, renewed after success), and the API's error placed beside the field it names.
 */
export function useSubmit<R>(
  run: (key: string) => Promise<R>,
  onDone?: (result: R) => void,
): {
  submit: (e?: FormEvent) => void;
  busy: boolean;
  error: ApiError | undefined;
  fieldError: (field: string) => string | undefined;
  formError: (fields: string[]) => string | undefined;
  done: R | undefined;
} {
  const key = useRef(newKey());
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<ApiError>();
  const [done, setDone] = useState<R>();
  const submit = (e?: FormEvent) => {
    e?.preventDefault();
    if (busy) return;
    setBusy(true);
    setError(undefined);
    run(key.current).then(
      (result) => {
        key.current = newKey();
        setBusy(false);
        setDone(result);
        onDone?.(result);
      },
      (err: unknown) => {
        const apiError = asApiError(err);
        // A refused request changed nothing; a new attempt with other values needs a new key.
        if (apiError.status !== 0) key.current = newKey();
        setBusy(false);
        setError(apiError);
      },
    );
  };
  const matches = (field: string) =>
    error?.field !== undefined &&
    (error.field === field || error.field.startsWith(`${field}.`) || error.field.endsWith(`.${field}`));
  return {
    submit,
    busy,
    error,
    done,
    fieldError: (field) => (error && matches(field) ? besideField(error) : undefined),
    formError: (fields) => (error && !fields.some(matches) ? error.message : undefined),
  };
}

type FieldProps = { label: string; error?: string | undefined; hint?: string; unit?: string } & (
  | ({ as?: 'input' } & InputHTMLAttributes<HTMLInputElement>)
  | ({ as: 'select'; children: ReactNode } & SelectHTMLAttributes<HTMLSelectElement>)
);

/**
 * A refusal's message as said beside its field, which need not repeat the API's name for it:
 * "amountUsd: must be a number" and "btcUsd must be a price above 0" both open with it.
 */
export function besideField(error: ApiError): string {
  return (
    (error.field === undefined ? undefined : afterFieldName(error.message, error.field)) ?? error.message
  );
}

/** A labelled input with its error as a sentence right beside it (and announced). */
export function Field(props: FieldProps) {
  const id = useId();
  const { label, error, hint, unit, ...rest } = props;
  const described = error ? `${id}-error` : hint ? `${id}-hint` : undefined;
  const common = {
    id,
    'aria-invalid': error ? true : undefined,
    'aria-describedby': described,
  } as const;
  return (
    <div className={`field${error ? ' has-error' : ''}`}>
      <label htmlFor={id}>{label}</label>
      <div className="field-input">
        {rest.as === 'select'
          ? (() => {
              const { as: _as, ...select } = rest;
              return <select {...select} {...common} />;
            })()
          : (() => {
              const { as: _as, ...input } = rest;
              return <input {...input} {...common} />;
            })()}
        {unit ? <span className="unit">{unit}</span> : null}
      </div>
      {error ? (
        <p className="field-error" id={`${id}-error`} role="alert">
          {error}
        </p>
      ) : hint ? (
        <p className="hint" id={`${id}-hint`}>
          {hint}
        </p>
      ) : null}
    </div>
  );
}

export function ErrorText({
  error,
  children,
}: {
  error?: ApiError | string | undefined;
  children?: ReactNode;
}) {
  if (!error) return null;
  return (
    <p className="error" role="alert">
      {typeof error === 'string' ? error : error.message}
      {children}
    </p>
  );
}

/**
 * A panel of a page: what it shows while it loads or when its request failed, its content otherwise.
 * Its heading opens and closes it; on a phone only the `primary` panels (the key figures) open by
 * themselves, so a page is a short list of headings to choose from rather than one endless column.
 */
export function Section<T>({
  title,
  loaded,
  children,
  actions,
  id,
  primary,
  recover,
}: {
  title: string;
  loaded?: Loaded<T>;
  children: (data: T) => ReactNode;
  actions?: ReactNode;
  id?: string;
  primary?: boolean;
  /** A way out of a refusal, shown beside it: a filter from the URL that the API refused, cleared. */
  recover?: (error: ApiError) => ReactNode;
}) {
  const headingId = useId();
  const [open, setOpen] = useState(() => primary || !window.matchMedia?.(PHONE_QUERY).matches);
  return (
    <section className={`card${open ? '' : ' closed'}`} aria-labelledby={headingId} id={id}>
      <header className="card-head">
        <h2 id={headingId}>
          <button
            type="button"
            className="panel-toggle"
            aria-expanded={open}
            onClick={() => setOpen((o) => !o)}
          >
            {title}
          </button>
        </h2>
        {open ? actions : null}
      </header>
      {!open ? null : loaded?.error && loaded.data === undefined ? (
        <>
          <ErrorText error={loaded.error} />
          {recover?.(loaded.error)}
        </>
      ) : loaded && loaded.data === undefined ? (
        <p className="muted" aria-busy="true">
          Loading…
        </p>
      ) : (
        children(loaded?.data as T)
      )}
    </section>
  );
}

export function Figure({
  label,
  value,
  sub,
  testId,
}: {
  label: string;
  value: ReactNode;
  sub?: ReactNode;
  testId?: string;
}) {
  return (
    <div className="figure" data-testid={testId}>
      <div className="figure-label">{label}</div>
      <div className="figure-value num">{value}</div>
      {sub ? <div className="figure-sub">{sub}</div> : null}
    </div>
  );
}

// The one table of the dashboard lives in table/; pages import it from here as before.
export { type Column, DataTable } from './table/table.js';

/** A page's error never blanks the whole dashboard: it is told in a sentence where the page was. */
export class ErrorBoundary extends Component<{ children: ReactNode; resetKey: string }, { error?: Error }> {
  override state: { error?: Error } = {};
  static getDerivedStateFromError(error: Error) {
    return { error };
  }
  override componentDidUpdate(prev: { resetKey: string }) {
    if (prev.resetKey !== this.props.resetKey && this.state.error) this.setState({ error: undefined });
  }
  override render() {
    if (this.state.error)
      return (
        <section className="card">
          <h2>This page could not be shown</h2>
          <p className="error" role="alert">
            {this.state.error.message}. Other pages still work; reload to try again.
          </p>
        </section>
      );
    return this.props.children;
  }
}
