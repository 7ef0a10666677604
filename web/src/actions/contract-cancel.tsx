/**
 * Cancelling from a contract's page: everything still to deliver, one line (some of its units), or
 * one tranche. The dialog that asks first says what goes and what the terms do with the deposit.
 */
import { useState } from 'react';
import { api } from '../api.js';
import { count, hashrate, today, usd, usdExact } from '../format.js';
import type { ContractDetail, EventRecorded } from '../replies.js';
import { Field, useSubmit } from '../ui.js';
import { ActionForm } from './action-form.js';
import { type OpenTranche, trancheKey, trancheLabel } from './tranches.js';

type Scope = 'contract' | 'line' | 'tranche';

export function CancelForm({
  contract,
  open,
  onDone,
}: {
  contract: ContractDetail;
  /** The tranches with units still to deliver, earliest first. */
  open: OpenTranche[];
  onDone: () => void;
}) {
  const lines = contract.lines.filter((l) => l.openUnits > 0);
  const [scope, setScope] = useState<Scope>('tranche');
  // The tranche furthest out is the one a customer most often gives up.
  const [which, setWhich] = useState(open.length ? trancheKey(open.at(-1)!) : '');
  const [lineId, setLineId] = useState(lines[0] ? String(lines[0].lineId) : '');
  const [units, setUnits] = useState('');
  const [day, setDay] = useState(today());
  const [reason, setReason] = useState('');
  const tranche = open.find((t) => trancheKey(t) === which) ?? open.at(-1);
  const line = lines.find((l) => String(l.lineId) === lineId) ?? lines[0];
  const part =
    scope === 'tranche' && tranche
      ? { lineId: tranche.lineId, tranche: tranche.tranche }
      : scope === 'line' && line
        ? { lineId: line.lineId, units: units.trim() }
        : undefined;
  const action = useSubmit(
    (key) =>
      api<EventRecorded>(`/api/sales/contracts/${contract.id}/cancellation`, {
        method: 'POST',
        body: {
          day,
          ...(reason.trim() ? { reason: reason.trim() } : {}),
          ...(part ? { parts: [part] } : {}),
        },
        idempotencyKey: key,
      }),
    () => {
      setReason('');
      onDone();
    },
  );
  const f = contract.figures;
  const deposit = contract.terms.depositForfeitedOnCancel
    ? `Under its terms the customer forfeits the deposit's share of what is cancelled (of the ${usdExact(f.depositCents)} deposit), as far as it was paid.`
    : 'Under its terms the deposit is not forfeited.';
  const what =
    scope === 'tranche' && tranche
      ? {
          title: `Cancel tranche ${tranche.tranche} of line ${tranche.lineId}?`,
          gone: `the ${count(tranche.open)} ${tranche.productId} due in ${tranche.month} are cancelled; the rest of contract #${contract.id} stands.`,
          yes: `Yes, cancel tranche ${tranche.tranche}`,
        }
      : scope === 'line' && line
        ? {
            title: `Cancel ${units.trim() || 'some'} units of line ${line.lineId}?`,
            gone: `${units.trim() || 'the'} ${line.productId} units of line ${line.lineId} are cancelled, from its latest tranches; the rest of contract #${contract.id} stands.`,
            yes: `Yes, cancel them`,
          }
        : {
            title: `Cancel contract #${contract.id}?`,
            gone: `everything not yet delivered is cancelled: ${count(f.backlogUnits)} units (${hashrate(f.backlogTh)}), ${usdExact(f.backlogCents)} of backlog.`,
            yes: `Yes, cancel contract #${contract.id}`,
          };
  const parts = ['parts', 'parts.0.lineId', 'parts.0.tranche', 'parts.0.units'];
  return (
    <ActionForm
      title="Cancel"
      action={action}
      fields={['day', 'reason', ...parts]}
      submit="Cancel…"
      busy="Cancelling…"
      unavailable={open.length === 0 && 'Nothing is left to cancel.'}
      confirm={{
        title: what.title,
        body: (
          <>
            <p>
              On {day}, {what.gone}
            </p>
            <p>{deposit}</p>
            <p>The cancellation is recorded in the contract's history and cannot be taken back from here.</p>
          </>
        ),
        yes: what.yes,
        busy: 'Cancelling…',
      }}
      done={(r) =>
        r.effect.type === 'cancellation'
          ? `Cancelled ${count(r.effect.lines.reduce((n, l) => n + l.units, 0))} units worth ${usdExact(r.effect.valueCents)}; deposit forfeited ${usdExact(r.effect.forfeitedCents)}, paid back ${usdExact(r.effect.refundedCents)}. Backlog is now ${usdExact(r.figures.backlogCents)}.`
          : 'Cancelled.'
      }
    >
      <fieldset className="choice">
        <legend>What to cancel</legend>
        <label>
          <input
            type="radio"
            name="cancel-scope"
            checked={scope === 'contract'}
            onChange={() => setScope('contract')}
          />
          Everything still to deliver ({count(f.backlogUnits)} units, {usd(f.backlogCents)})
        </label>
        <label>
          <input
            type="radio"
            name="cancel-scope"
            checked={scope === 'line'}
            onChange={() => setScope('line')}
          />
          Some units of one line
        </label>
        <label>
          <input
            type="radio"
            name="cancel-scope"
            checked={scope === 'tranche'}
            onChange={() => setScope('tranche')}
          />
          One tranche
        </label>
      </fieldset>
      {scope === 'tranche' ? (
        <Field
          as="select"
          label="Tranche to cancel"
          value={which}
          onChange={(e) => setWhich(e.target.value)}
          error={action.fieldError('parts.0.tranche') ?? action.fieldError('parts.0.lineId')}
        >
          {open.map((t) => (
            <option key={trancheKey(t)} value={trancheKey(t)}>
              {trancheLabel(t)}
            </option>
          ))}
        </Field>
      ) : scope === 'line' ? (
        <div className="row">
          <Field
            as="select"
            label="Line"
            value={lineId}
            onChange={(e) => setLineId(e.target.value)}
            error={action.fieldError('parts.0.lineId')}
          >
            {lines.map((l) => (
              <option key={l.lineId} value={l.lineId}>
                line {l.lineId}: {l.productId}, {count(l.openUnits)} open
              </option>
            ))}
          </Field>
          <Field
            label="Units to cancel"
            inputMode="numeric"
            className="num"
            value={units}
            onChange={(e) => setUnits(e.target.value)}
            error={action.fieldError('parts.0.units')}
          />
        </div>
      ) : null}
      <div className="row">
        <Field
          label="Day of the cancellation"
          type="date"
          value={day}
          onChange={(e) => setDay(e.target.value)}
          error={action.fieldError('day')}
        />
        <Field
          label="Reason"
          value={reason}
          onChange={(e) => setReason(e.target.value)}
          error={action.fieldError('reason')}
        />
      </div>
    </ActionForm>
  );
}
