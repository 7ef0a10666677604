/**
 * What sales and finance do to a contract from its page: record a payment or a delivery (the daily
 * ones, open), and behind a row of buttons refund, reschedule a tranche or cancel. Each form is
 * shown only to the roles the API lets do it; payments and deliveries tell other roles which role
 * it takes. The API decides everything; after each, the contract's figures are read again.
 */
import { useState } from 'react';
import { parseUsd } from '../../../src/kernel/money.js';
import { SALES_ACCESS } from '../../../src/sales/access.js';
import { Allowed } from '../access.js';
import { api } from '../api.js';
import { count, today, usdExact, usdInput } from '../format.js';
import type { ContractDetail, EventRecorded } from '../replies.js';
import { Field, useSubmit } from '../ui.js';
import { ActionChooser, ActionForm } from './action-form.js';
import { CancelForm } from './contract-cancel.js';
import { type OpenTranche, openTranches, trancheKey, trancheLabel } from './tranches.js';

interface Props {
  contract: ContractDetail;
  /** Reads the contract again, so its figures and history show what was recorded. */
  onDone: () => void;
}

const record = (contract: ContractDetail, what: string, body: unknown, key: string) =>
  api<EventRecorded>(`/api/sales/contracts/${contract.id}/${what}`, {
    method: 'POST',
    body,
    idempotencyKey: key,
  });

/** Text that is optional in the request: left out when nothing was typed. */
const optional = (name: string, text: string) => (text.trim() ? { [name]: text.trim() } : {});

/** An amount as typed, written as the API will read it ("$1,000.00"), or as typed if it reads none. */
const typedUsd = (text: string): string => {
  try {
    return usdExact(parseUsd(text, 'amount'));
  } catch {
    return `"${text}"`;
  }
};

export function ContractActions({ contract, onDone }: Props) {
  const open = openTranches(contract);
  return (
    <section className="card" aria-labelledby="contract-actions">
      <h2 id="contract-actions">Record and change</h2>
      <div className="actions-grid">
        <Allowed need={SALES_ACCESS.money} doing="record a payment">
          <PaymentForm contract={contract} onDone={onDone} />
        </Allowed>
        <Allowed need={SALES_ACCESS.shipping} doing="record a delivery">
          <DeliveryForm contract={contract} onDone={onDone} />
        </Allowed>
      </div>
      <ActionChooser
        label="Change the contract"
        choices={[
          {
            label: 'Refund…',
            need: SALES_ACCESS.money,
            available: BigInt(contract.figures.liabilityCents) > 0n,
            render: () => <RefundForm contract={contract} onDone={onDone} />,
          },
          {
            label: 'Reschedule a tranche…',
            need: SALES_ACCESS.write,
            available: open.length > 0,
            render: () => <RescheduleForm contract={contract} open={open} onDone={onDone} />,
          },
          {
            label: 'Cancel…',
            need: SALES_ACCESS.write,
            available: open.length > 0,
            render: () => <CancelForm contract={contract} open={open} onDone={onDone} />,
          },
        ]}
      />
    </section>
  );
}

function PaymentForm({ contract, onDone }: Props) {
  const [day, setDay] = useState(today());
  const [amount, setAmount] = useState('');
  const [reference, setReference] = useState('');
  const action = useSubmit(
    (key) =>
      record(
        contract,
        'payments',
        { day, amountUsd: amount.trim(), ...optional('reference', reference) },
        key,
      ),
    () => {
      setAmount('');
      setReference('');
      onDone();
    },
  );
  return (
    <ActionForm
      title="Record a payment"
      action={action}
      fields={['day', 'amountUsd', 'reference']}
      submit="Record payment"
      busy="Recording…"
      intro={`Still owed: ${usdExact(contract.figures.owedCents)}`}
      unavailable={BigInt(contract.figures.owedCents) <= 0n && 'Nothing more is owed on this contract.'}
      done={(r) => `Payment recorded. Contract liability is now ${usdExact(r.figures.liabilityCents)}.`}
    >
      <div className="row">
        <Field
          label="Day received"
          type="date"
          value={day}
          onChange={(e) => setDay(e.target.value)}
          error={action.fieldError('day')}
        />
        <Field
          label="Amount"
          unit="USD"
          inputMode="decimal"
          className="num"
          placeholder={usdInput(contract.figures.owedCents)}
          value={amount}
          onChange={(e) => setAmount(e.target.value)}
          error={action.fieldError('amountUsd')}
        />
        <Field
          label="Bank reference"
          value={reference}
          onChange={(e) => setReference(e.target.value)}
          error={action.fieldError('reference')}
        />
      </div>
    </ActionForm>
  );
}

function DeliveryForm({ contract, onDone }: Props) {
  const open = contract.lines.filter((l) => l.openUnits > 0);
  const [day, setDay] = useState(today());
  const [units, setUnits] = useState<Record<number, string>>({});
  const action = useSubmit(
    (key) =>
      record(
        contract,
        'deliveries',
        {
          day,
          lines: open
            .filter((l) => (units[l.lineId] ?? '').trim() !== '')
            .map((l) => ({ lineId: l.lineId, units: (units[l.lineId] ?? '').trim() })),
        },
        key,
      ),
    () => {
      setUnits({});
      onDone();
    },
  );
  return (
    <ActionForm
      title="Record a delivery"
      action={action}
      fields={['day', 'lines', ...open.map((_, i) => `lines.${i}`)]}
      submit="Record delivery"
      busy="Recording…"
      intro="Units shipped by line; they fill the earliest open tranches first."
      unavailable={open.length === 0 && 'Nothing is left to deliver on this contract.'}
      done={(r) =>
        `Delivery recorded. Revenue recognised on this contract: ${usdExact(r.figures.revenueCents)}.`
      }
    >
      <div className="row">
        <Field
          label="Day shipped"
          type="date"
          value={day}
          onChange={(e) => setDay(e.target.value)}
          error={action.fieldError('day')}
        />
        {open.map((l, i) => (
          <Field
            key={l.lineId}
            label={`${l.productId} units (line ${l.lineId})`}
            unit={`of ${count(l.openUnits)} open`}
            inputMode="numeric"
            className="num"
            value={units[l.lineId] ?? ''}
            onChange={(e) => setUnits({ ...units, [l.lineId]: e.target.value })}
            error={action.fieldError(`lines.${i}`)}
          />
        ))}
      </div>
    </ActionForm>
  );
}

function RefundForm({ contract, onDone }: Props) {
  const [day, setDay] = useState(today());
  const [amount, setAmount] = useState('');
  const [reason, setReason] = useState('');
  const action = useSubmit(
    (key) =>
      record(contract, 'refunds', { day, amountUsd: amount.trim(), ...optional('reason', reason) }, key),
    () => {
      setAmount('');
      setReason('');
      onDone();
    },
  );
  const held = usdExact(contract.figures.liabilityCents);
  return (
    <ActionForm
      title="Refund a prepayment"
      action={action}
      fields={['day', 'amountUsd', 'reason']}
      submit="Record refund"
      busy="Recording…"
      intro={`Prepaid and not yet earned: ${held}. A refund pays back part of it.`}
      unavailable={BigInt(contract.figures.liabilityCents) <= 0n && 'No prepayment is left to refund.'}
      confirm={{
        title: `Refund ${typedUsd(amount)} to ${contract.customer.name}?`,
        body: (
          <p>
            The refund is recorded on contract #{contract.id} as paid back on {day}, and lowers its contract
            liability of {held}. It cannot be taken back: a refund recorded by mistake is put right by
            recording the money again as a payment.
          </p>
        ),
        yes: 'Yes, record the refund',
        busy: 'Recording…',
      }}
      done={(r) => `Refund recorded. Contract liability is now ${usdExact(r.figures.liabilityCents)}.`}
    >
      <div className="row">
        <Field
          label="Day paid back"
          type="date"
          value={day}
          onChange={(e) => setDay(e.target.value)}
          error={action.fieldError('day')}
        />
        <Field
          label="Refund amount"
          unit="USD"
          inputMode="decimal"
          className="num"
          placeholder={usdInput(contract.figures.liabilityCents)}
          value={amount}
          onChange={(e) => setAmount(e.target.value)}
          error={action.fieldError('amountUsd')}
        />
        <Field
          label="Why"
          value={reason}
          onChange={(e) => setReason(e.target.value)}
          error={action.fieldError('reason')}
        />
      </div>
    </ActionForm>
  );
}

function RescheduleForm({ contract, open, onDone }: Props & { open: OpenTranche[] }) {
  const [which, setWhich] = useState(open[0] ? trancheKey(open[0]) : '');
  const [month, setMonth] = useState('');
  const [units, setUnits] = useState('');
  const [day, setDay] = useState(today());
  const [reason, setReason] = useState('');
  const tranche = open.find((t) => trancheKey(t) === which) ?? open[0];
  const action = useSubmit(
    (key) =>
      record(
        contract,
        'reschedule',
        {
          day,
          moves: [{ lineId: tranche?.lineId, tranche: tranche?.tranche, month, ...optional('units', units) }],
          ...optional('reason', reason),
        },
        key,
      ),
    () => {
      setUnits('');
      setReason('');
      onDone();
    },
  );
  const move = 'moves.0';
  return (
    <ActionForm
      title="Reschedule a tranche"
      action={action}
      fields={[
        'day',
        'reason',
        'moves',
        `${move}.lineId`,
        `${move}.tranche`,
        `${move}.month`,
        `${move}.units`,
      ]}
      submit="Reschedule"
      busy="Rescheduling…"
      unavailable={!tranche && 'Nothing is left to reschedule.'}
      done={(r) =>
        r.effect.type === 'reschedule'
          ? r.effect.moves
              .map(
                (m) =>
                  `Moved ${count(m.units)} units of line ${m.lineId}, tranche ${m.tranche}, from ${m.fromMonth} to ${m.toMonth}.`,
              )
              .join(' ')
          : 'Rescheduled.'
      }
    >
      <Field
        as="select"
        label="Tranche to move"
        value={which}
        onChange={(e) => setWhich(e.target.value)}
        error={action.fieldError(`${move}.tranche`) ?? action.fieldError(`${move}.lineId`)}
      >
        {open.map((t) => (
          <option key={trancheKey(t)} value={trancheKey(t)}>
            {trancheLabel(t)}
          </option>
        ))}
      </Field>
      <div className="row">
        <Field
          label="New month"
          type="month"
          value={month}
          onChange={(e) => setMonth(e.target.value)}
          error={action.fieldError(`${move}.month`)}
        />
        <Field
          label="Units to move"
          inputMode="numeric"
          className="num"
          hint={`all ${count(tranche?.open ?? 0)} open when left empty`}
          value={units}
          onChange={(e) => setUnits(e.target.value)}
          error={action.fieldError(`${move}.units`)}
        />
      </div>
      <div className="row">
        <Field
          label="Day the customer asked"
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
