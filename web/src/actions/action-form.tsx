/**
 * One shape for every action a team takes from its page (a payment, a cancellation, a build, a
 * closed period): the fields; the API's refusal beside the field it names and any other under the
 * form; the button busy while the request runs; a sentence once it is recorded; and, for what
 * cannot be taken back, a question first. The page's figures are read again by `onDone`.
 */
import { type ReactNode, useEffect, useId, useState } from 'react';
import { allows, type RoleNeed } from '../../../src/auth/roles.js';
import { useMe } from '../access.js';
import { ErrorText, type useSubmit } from '../ui.js';
import { type Confirmation, ConfirmDialog } from './confirm.js';
import './actions.css';

export type Submission<R> = ReturnType<typeof useSubmit<R>>;

export function ActionForm<R>({
  title,
  action,
  fields,
  submit,
  busy,
  done,
  confirm,
  intro,
  unavailable,
  children,
}: {
  /** The form's heading and accessible name: "Record a payment". */
  title: string;
  action: Submission<R>;
  /** The request's fields shown in the form: a refusal naming another is said under it. */
  fields: string[];
  /** The button, and what it says while the request runs: "Record payment", "Recording…". */
  submit: string;
  busy: string;
  /** The sentence once recorded, from the API's answer. */
  done: (result: R) => ReactNode;
  /** Asked before the request is sent, for what cannot be taken back. */
  confirm?: Confirmation | undefined;
  intro?: ReactNode;
  /**
   * Said instead of the fields when there is nothing to do (nothing owed, nothing left to
   * deliver); the sentence of what was just recorded, which may be why, stays.
   */
  unavailable?: string | false | undefined;
  children: ReactNode;
}) {
  const headingId = useId();
  // 'sent': the dialog stays open, its button busy, until the API answers; then it closes, and a
  // refusal shows beside its field in the form.
  const [asking, setAsking] = useState<'no' | 'asking' | 'sent'>('no');
  useEffect(() => {
    if (asking === 'sent' && !action.busy) setAsking('no');
  }, [asking, action.busy]);
  return (
    <form
      aria-labelledby={headingId}
      className="action-form"
      onSubmit={(e) => {
        e.preventDefault();
        if (confirm) setAsking('asking');
        else action.submit();
      }}
    >
      <h3 id={headingId}>{title}</h3>
      {unavailable ? (
        <p className="muted">{unavailable}</p>
      ) : (
        <>
          {intro ? <p className="hint">{intro}</p> : null}
          {children}
          <ErrorText error={action.formError(fields)} />
          <button type="submit" className={confirm ? 'danger' : undefined} disabled={action.busy}>
            {action.busy ? busy : submit}
          </button>
        </>
      )}
      {action.done !== undefined && !action.busy ? (
        <p className="ok" role="status">
          {done(action.done)}
        </p>
      ) : null}
      {confirm ? (
        <ConfirmDialog
          open={asking !== 'no'}
          ask={confirm}
          busy={action.busy}
          onNo={() => setAsking('no')}
          onYes={() => {
            setAsking('sent');
            action.submit();
          }}
        />
      ) : null}
    </form>
  );
}

export interface ActionChoice {
  /** The button that opens the form: "Cancel…". */
  label: string;
  need: RoleNeed;
  /** Whether there is anything to do (something left to cancel); offered only then. */
  available: boolean;
  render: () => ReactNode;
}

/**
 * The less frequent actions behind a row of buttons, one form open at a time: only those the
 * signed-in role may take are offered, and nothing at all when it may take none.
 */
export function ActionChooser({ label, choices }: { label: string; choices: ActionChoice[] }) {
  const me = useMe();
  const id = useId();
  const [open, setOpen] = useState<string>();
  // A form stays open when what it recorded leaves nothing more to do: it says what it did.
  const mine = me ? choices.filter((c) => allows(me.role, c.need) && (c.available || c.label === open)) : [];
  if (mine.length === 0) return null;
  const shown = mine.find((c) => c.label === open);
  return (
    <div className="chooser">
      <fieldset className="chooser-buttons">
        <legend>{label}</legend>
        {mine.map((c) => (
          <button
            key={c.label}
            type="button"
            className="secondary"
            aria-expanded={c === shown}
            aria-controls={c === shown ? id : undefined}
            onClick={() => setOpen(c === shown ? undefined : c.label)}
          >
            {c.label}
          </button>
        ))}
      </fieldset>
      {shown ? (
        <div id={id} className="chooser-panel">
          {shown.render()}
        </div>
      ) : null}
    </div>
  );
}

/**
 * A list left at "Choose…" is sent as nothing and refused as "is required"; beside a list that
 * reads better as what to do: "choose a customer".
 */
export const unchosen = (error: string | undefined, what: string): string | undefined =>
  error === 'is required' ? `choose ${what}` : error;
