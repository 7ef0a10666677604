/**
 * Acting on machines from the dashboard — one machine, a selection from the list, or a site:
 * reboot, curtail/resume, work mode, switch to a configured pool, add a pool and switch to it.
 * The request is streamed: a bar fills as machines confirm (each is read back by the server) and
 * each machine's outcome is listed as it comes. What a click cannot take back quietly (a reboot, a
 * curtailment, a work mode, which reboots) is asked first; a refusal shows beside its field.
 */
import { type FormEvent, useRef, useState } from 'react';
import { AVALON_WORK_MODES } from '../../../src/fleet/model.js';
import { type Confirmation, ConfirmDialog } from '../actions/confirm.js';
import { type ApiError, apiLines, newKey } from '../api.js';
import { count } from '../format.js';
import type { ControlLine, ControlReport } from '../replies.js';
import { DataTable, ErrorText, Field } from '../ui.js';

type Action = Record<string, unknown> & { kind: string };
export type Selector = { machines: number[] } | { site: string };
type Result = ControlReport['results'][number];

interface Run {
  description?: string;
  done: number;
  total?: number;
  results: Result[];
  report?: ControlReport;
  status?: number;
  error?: ApiError | { message: string };
}

/** Runs one control at a time through the streamed endpoint; the state fills as lines arrive. */
function useControl(onDone: () => void) {
  const [run, setRun] = useState<Run>();
  const key = useRef(newKey());
  const busy = run !== undefined && run.report === undefined && run.error === undefined;
  const start = (selector: Selector, action: Action) => {
    setRun({ done: 0, results: [] });
    const onLine = (raw: unknown) => {
      const l = raw as ControlLine;
      if ('started' in l)
        setRun((r) => ({ ...r!, description: l.started.description, total: l.started.requested }));
      else if ('progress' in l)
        setRun((r) => ({
          ...r!,
          done: l.progress.done,
          total: l.progress.total,
          results: [...r!.results, l.result],
        }));
      else if ('report' in l) setRun((r) => ({ ...r!, report: l.report, status: l.status }));
      else setRun((r) => ({ ...r!, error: l.error }));
    };
    apiLines('/api/fleet/control?stream=true', onLine, {
      method: 'POST',
      body: { selector, action },
      idempotencyKey: key.current,
    }).then(
      () => {
        key.current = newKey();
        onDone();
      },
      (error: ApiError) => {
        // A refusal (4xx) sent nothing: the next attempt is another request.
        if (error.status !== 0) key.current = newKey();
        setRun((r) => ({ ...r!, error }));
      },
    );
  };
  const fieldError = (field: string) => {
    const e = run?.error as ApiError | undefined;
    return e?.field === `action.${field}` ? e.message.replace(/^action\.\w+: /, '') : undefined;
  };
  return { run, busy, start, fieldError };
}

/** The actions that take nothing but the machines. */
const ONE_CLICK = [
  { kind: 'reboot', label: 'Reboot' },
  { kind: 'soft-off', label: 'Curtail' },
  { kind: 'soft-on', label: 'Resume' },
];

/** The modes the API accepts for the A-series: one list, the server's. */
const WORK_MODES = AVALON_WORK_MODES.map((m) => ({ mode: m.mode, label: `${m.mode} — ${m.name}` }));

/** The picker's modes, the machine's current one marked (and listed, if it is none of the usual). */
function workModeChoices(current: number | undefined) {
  const modes =
    WORK_MODES.some((m) => m.mode === current) || current === undefined
      ? WORK_MODES
      : [...WORK_MODES, { mode: current, label: String(current) }];
  return modes.map((m) => (m.mode === current ? { ...m, label: `${m.label} (current)` } : m));
}

/** Asked first: effects a person should not trigger by a stray click. */
function confirmationOf(action: Action, scope: string): Confirmation | undefined {
  switch (action.kind) {
    case 'reboot':
      return {
        title: `Reboot ${scope}?`,
        body: (
          <p>
            Each machine stops hashing for a minute or two while it restarts; alerts stay silent meanwhile.
          </p>
        ),
        yes: `Yes, reboot ${scope}`,
        busy: 'Rebooting…',
      };
    case 'soft-off':
      return {
        title: `Curtail ${scope}?`,
        body: <p>Each machine stops hashing and stays powered until it is resumed.</p>,
        yes: `Yes, curtail ${scope}`,
        busy: 'Curtailing…',
      };
    case 'work-mode':
      return {
        title: `Set work mode ${String(action.mode)} on ${scope}?`,
        body: (
          <p>The miners apply a new work mode only by rebooting: each stops hashing while it restarts.</p>
        ),
        yes: `Yes, set work mode ${String(action.mode)}`,
        busy: 'Setting…',
      };
    default:
      return undefined;
  }
}

export function ControlPanel({
  selector,
  scope,
  pools,
  workMode,
  onDone,
}: {
  selector: Selector;
  /** What is acted on, in words: "machine 0201…", "3 selected machines", "site LAB". */
  scope: string;
  /** The machine's configured pools, to switch among (one machine only). */
  pools?: { index?: number | undefined; url: string; user?: string | undefined }[] | undefined;
  /** The machine's work mode as last polled (one machine only): the picker starts there. */
  workMode?: number | undefined;
  onDone: () => void;
}) {
  const control = useControl(onDone);
  const [asking, setAsking] = useState<Action>();
  // Until a mode is picked the picker follows the machine's, so a reload after a change shows the new one.
  const [picked, setMode] = useState<string>();
  const mode = picked ?? String(workMode ?? 0);
  const [pool, setPool] = useState('');
  const [url, setUrl] = useState('');
  const [user, setUser] = useState('');
  const send = (action: Action) => {
    if (confirmationOf(action, scope)) setAsking(action);
    else control.start(selector, action);
  };
  const confirm = asking ? confirmationOf(asking, scope) : undefined;
  const addPool = (e: FormEvent) => {
    e.preventDefault();
    send({ kind: 'add-pool', url: url.trim(), user: user.trim() });
  };
  return (
    <div className="control-panel">
      <div className="toolbar">
        {ONE_CLICK.map(({ kind, label }) => (
          <button
            key={kind}
            type="button"
            className="secondary"
            disabled={control.busy}
            onClick={() => send({ kind })}
          >
            {label}
          </button>
        ))}
      </div>
      <div className="toolbar">
        <Field as="select" label="Work mode" value={mode} onChange={(e) => setMode(e.target.value)}>
          {workModeChoices(workMode).map((m) => (
            <option key={m.mode} value={m.mode}>
              {m.label}
            </option>
          ))}
        </Field>
        <button
          type="button"
          className="secondary"
          disabled={control.busy}
          onClick={() => send({ kind: 'work-mode', mode: Number(mode) })}
        >
          Set work mode
        </button>
        {pools && pools.length > 0 ? (
          <>
            <Field as="select" label="Configured pool" value={pool} onChange={(e) => setPool(e.target.value)}>
              <option value="">choose…</option>
              {pools.map((p) => (
                <option key={p.index} value={p.index}>
                  {p.index}: {p.url}
                </option>
              ))}
            </Field>
            <button
              type="button"
              className="secondary"
              disabled={control.busy || pool === ''}
              onClick={() => send({ kind: 'pool', pool: Number(pool) })}
            >
              Switch pool
            </button>
          </>
        ) : null}
      </div>
      <form className="toolbar" onSubmit={addPool} aria-label={`Add a pool to ${scope}`}>
        <Field
          label="New pool URL"
          placeholder="stratum+tcp://pool.example:3333"
          value={url}
          onChange={(e) => setUrl(e.target.value)}
          error={control.fieldError('url')}
        />
        <Field
          label="Worker"
          placeholder="account.worker"
          value={user}
          onChange={(e) => setUser(e.target.value)}
          error={control.fieldError('user')}
        />
        <button type="submit" className="secondary" disabled={control.busy}>
          Add pool and switch
        </button>
      </form>
      {control.run ? <ControlProgress run={control.run} /> : null}
      {confirm ? (
        <ConfirmDialog
          open
          ask={confirm}
          busy={false}
          onNo={() => setAsking(undefined)}
          onYes={() => {
            control.start(selector, asking!);
            setAsking(undefined);
          }}
        />
      ) : null}
    </div>
  );
}

function ControlProgress({ run }: { run: Run }) {
  const error =
    run.error && !('field' in run.error && run.error.field?.startsWith('action.')) ? run.error : undefined;
  const r = run.report;
  return (
    <div className="control-progress" data-testid="control-progress">
      {run.total !== undefined ? (
        <progress
          aria-label="Machines confirmed"
          value={run.done}
          max={run.total}
          style={{ width: '100%' }}
        />
      ) : null}
      <p className={r ? (r.failed ? 'error' : 'ok') : 'muted'} role="status">
        {r
          ? `${r.description}: ${count(r.succeeded)} of ${count(r.requested)} machines confirmed${r.failed ? `, ${count(r.failed)} did not` : ''}.`
          : run.total !== undefined
            ? `${run.description ?? 'Sending'}: ${count(run.done)} of ${count(run.total)} machines answered…`
            : error
              ? ''
              : 'Sending…'}
      </p>
      <ErrorText error={error?.message} />
      {run.results.length > 0 ? (
        <DataTable
          rows={run.results}
          keyOf={(x) => x.machineId}
          columns={[
            { label: 'Machine', render: (x) => x.serial },
            { label: 'Address', render: (x) => x.address },
            {
              label: 'Outcome',
              render: (x) => (
                <span className={`badge ${x.outcome === 'done' ? 'ok' : 'offline'}`}>{x.outcome}</span>
              ),
            },
            { label: 'Detail', wrap: true, render: (x) => x.detail },
          ]}
        />
      ) : null}
    </div>
  );
}
