/**
 * The question asked before anything a click cannot take back: a cancellation, a refund, a period
 * reopened. A modal dialog (the browser's own, so focus stays inside it and Escape closes it) says
 * what will happen; the safe answer has the focus, so a stray Enter does no harm.
 */
import { type ReactNode, useEffect, useId, useRef } from 'react';
import './actions.css';

export interface Confirmation {
  /** The question, as the dialog's heading: "Cancel contract #12?" */
  title: string;
  /** What will happen, in sentences. */
  body: ReactNode;
  /** The button that does it: "Yes, cancel the contract". */
  yes: string;
  /** What that button says while the request runs: "Cancelling…". */
  busy: string;
}

export function ConfirmDialog({
  open,
  ask,
  busy,
  onYes,
  onNo,
}: {
  open: boolean;
  ask: Confirmation;
  busy: boolean;
  onYes: () => void;
  onNo: () => void;
}) {
  const dialog = useRef<HTMLDialogElement>(null);
  const no = useRef<HTMLButtonElement>(null);
  const titleId = useId();
  const bodyId = useId();
  useEffect(() => {
    const d = dialog.current;
    if (!d) return;
    if (open && !d.open) {
      d.showModal();
      no.current?.focus();
    } else if (!open && d.open) d.close();
  }, [open]);
  return (
    <dialog
      ref={dialog}
      className="confirm"
      aria-labelledby={titleId}
      aria-describedby={bodyId}
      onCancel={(e) => {
        // Escape: the browser would close the dialog itself; the state says whether it is open.
        e.preventDefault();
        if (!busy) onNo();
      }}
    >
      <h2 id={titleId}>{ask.title}</h2>
      <div id={bodyId}>{ask.body}</div>
      <div className="confirm-buttons">
        <button type="button" className="secondary" ref={no} disabled={busy} onClick={onNo}>
          Go back
        </button>
        <button type="button" className="danger" disabled={busy} onClick={onYes}>
          {busy ? ask.busy : ask.yes}
        </button>
      </div>
    </dialog>
  );
}
