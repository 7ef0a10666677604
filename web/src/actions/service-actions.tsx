/**
 * The service team's work from its page: a customer's ticket opened (by service, or by sales on
 * the customer's behalf), an RMA taken through its steps — with the faulty and the replacement
 * serial and the parts fitted — and its waits for the customer, customs or parts (the SLA clock
 * stops while it waits). Rejecting and cancelling ask first. The page is read again after each.
 */
import { useState } from 'react';
import { AppError } from '../../../src/kernel/errors.js';
import { parseUsd } from '../../../src/kernel/money.js';
import { SERVICE_ACCESS } from '../../../src/service/access.js';
import { PARTS, STEPS, TICKET_CLASSES, WAIT_REASONS } from '../../../src/service/model.js';
import { Allowed } from '../access.js';
import { ApiError, api } from '../api.js';
import type { ServiceTicket, ServiceTickets } from '../replies.js';
import { Field, Section, useSubmit } from '../ui.js';
import { ActionForm, unchosen } from './action-form.js';

const DESTRUCTIVE = ['rejected', 'cancelled'];
const OUTCOME_STEPS = ['repaired', 'replaced', 'parts-swapped'];

/**
 * The repair's cost typed in dollars, sent as the whole cents the API takes (`costCents`); a
 * mistyped amount is refused beside its field before anything is sent.
 */
function costCents(text: string): { costCents: string } | Record<string, never> {
  if (!text.trim()) return {};
  try {
    return { costCents: String(parseUsd(text, 'costCents', { wholeCents: true })) };
  } catch (e) {
    if (e instanceof AppError) throw new ApiError(400, e.code, e.message, 'costCents');
    throw e;
  }
}

export function ServiceActions({ tickets, onChange }: { tickets: ServiceTickets; onChange: () => void }) {
  return (
    <Section title="Work a ticket">
      {() => (
        <div className="actions-grid">
          <Allowed need={SERVICE_ACCESS.open} doing="open a customer's ticket" quiet>
            <OpenTicket onDone={onChange} />
          </Allowed>
          <Allowed need={SERVICE_ACCESS.work} doing="take RMA steps" quiet>
            <StepTicket tickets={tickets} onDone={onChange} />
            <WaitTicket tickets={tickets} onDone={onChange} />
          </Allowed>
        </div>
      )}
    </Section>
  );
}

function OpenTicket({ onDone }: { onDone: () => void }) {
  const [serial, setSerial] = useState('');
  const [ticketClass, setTicketClass] = useState('board-rma');
  const [summary, setSummary] = useState('');
  const action = useSubmit(
    (key) =>
      api<ServiceTicket>('/api/service/tickets', {
        method: 'POST',
        body: { serial: serial.trim(), ticketClass, summary },
        idempotencyKey: key,
      }),
    () => {
      setSummary('');
      onDone();
    },
  );
  return (
    <ActionForm
      title="Open a customer's ticket"
      action={action}
      fields={['serial', 'ticketClass', 'summary', 'customerId']}
      submit="Open ticket"
      busy="Opening…"
      done={(t) => `Ticket #${t.id} opened for ${t.serial}, routed to ${t.centreId ?? 'site operations'}.`}
    >
      <div className="row">
        <Field
          label="Machine serial"
          value={serial}
          placeholder="A1246-202101-000123"
          onChange={(e) => setSerial(e.target.value)}
          error={action.fieldError('serial')}
        />
        <Field
          as="select"
          label="Class"
          value={ticketClass}
          onChange={(e) => setTicketClass(e.target.value)}
          error={action.fieldError('ticketClass')}
        >
          {TICKET_CLASSES.map((c) => (
            <option key={c} value={c}>
              {c}
            </option>
          ))}
        </Field>
      </div>
      <Field
        label="What the customer reports"
        value={summary}
        onChange={(e) => setSummary(e.target.value)}
        error={action.fieldError('summary')}
      />
    </ActionForm>
  );
}

function TicketChoice({
  tickets,
  value,
  onChange,
  error,
}: {
  tickets: ServiceTickets;
  value: string;
  onChange: (id: string) => void;
  error: string | undefined;
}) {
  return (
    <Field
      as="select"
      label="Ticket"
      value={value}
      onChange={(e) => onChange(e.target.value)}
      error={unchosen(error, 'a ticket')}
    >
      <option value="">Choose…</option>
      {tickets
        .filter((t) => t.route === 'rma')
        .map((t) => (
          <option key={t.id} value={t.id}>
            #{t.id} {t.serial ?? `fleet #${t.machineId}`}: {t.step}
            {t.waitingFor ? `, waiting for ${t.waitingFor}` : ''}
          </option>
        ))}
    </Field>
  );
}

function StepTicket({ tickets, onDone }: { tickets: ServiceTickets; onDone: () => void }) {
  const [id, setId] = useState('');
  const [step, setStep] = useState('');
  const [note, setNote] = useState('');
  const [replacementSerial, setReplacement] = useState('');
  const [part, setPart] = useState('');
  const [qty, setQty] = useState('1');
  const [removedSerial, setRemoved] = useState('');
  const [fittedSerial, setFitted] = useState('');
  const [cost, setCost] = useState('');
  const action = useSubmit(
    // async: a cost refused before sending is a rejected promise, shown like the API's refusals.
    async (key) =>
      api<ServiceTicket>(`/api/service/tickets/${id || 0}/steps`, {
        method: 'POST',
        body: {
          step,
          ...(note.trim() ? { note: note.trim() } : {}),
          ...(replacementSerial.trim() ? { replacementSerial: replacementSerial.trim() } : {}),
          ...(OUTCOME_STEPS.includes(step) ? costCents(cost) : {}),
          ...(part
            ? {
                partsUsed: [
                  {
                    part,
                    qty: qty.trim(),
                    ...(removedSerial.trim() ? { removedSerial: removedSerial.trim() } : {}),
                    ...(fittedSerial.trim() ? { fittedSerial: fittedSerial.trim() } : {}),
                  },
                ],
              }
            : {}),
        },
        idempotencyKey: key,
      }),
    () => {
      setNote('');
      setReplacement('');
      setPart('');
      setRemoved('');
      setFitted('');
      setCost('');
      onDone();
    },
  );
  const chosen = tickets.find((t) => String(t.id) === id);
  return (
    <ActionForm
      title="Take an RMA step"
      action={action}
      fields={['id', 'step', 'note', 'replacementSerial', 'partsUsed', 'costCents']}
      submit="Record step"
      busy="Recording…"
      confirm={
        DESTRUCTIVE.includes(step)
          ? {
              title: `${step === 'rejected' ? 'Reject' : 'Cancel'} ticket #${id}?`,
              body: `The ticket ends ${step}; it cannot be taken further, and the machine is not repaired under it.`,
              yes: `Yes, ${step === 'rejected' ? 'reject' : 'cancel'} it`,
              busy: 'Recording…',
            }
          : undefined
      }
      done={(t) =>
        `Ticket #${t.id} is ${t.step}${t.replacementSerial ? `; replacement ${t.replacementSerial}` : ''}.`
      }
    >
      <div className="row">
        <TicketChoice tickets={tickets} value={id} onChange={setId} error={action.fieldError('id')} />
        <Field
          as="select"
          label="Step"
          value={step}
          onChange={(e) => setStep(e.target.value)}
          error={unchosen(action.fieldError('step'), 'a step')}
          hint={chosen ? `now ${chosen.step}` : undefined}
        >
          <option value="">Choose…</option>
          {STEPS.filter((s) => s !== 'requested').map((s) => (
            <option key={s} value={s}>
              {s}
            </option>
          ))}
        </Field>
      </div>
      <Field
        label="Note"
        value={note}
        onChange={(e) => setNote(e.target.value)}
        error={action.fieldError('note')}
      />
      {step === 'replaced' ? (
        <Field
          label="Replacement serial"
          hint={chosen?.serial ? `replaces ${chosen.serial}` : undefined}
          value={replacementSerial}
          onChange={(e) => setReplacement(e.target.value)}
          error={action.fieldError('replacementSerial')}
        />
      ) : null}
      {OUTCOME_STEPS.includes(step) ? (
        <Field
          label="Cost of the repair"
          unit="USD"
          inputMode="decimal"
          className="num"
          hint="What the warranty repair cost us: parts, labour, freight"
          value={cost}
          onChange={(e) => setCost(e.target.value)}
          error={action.fieldError('costCents')}
        />
      ) : null}
      {OUTCOME_STEPS.includes(step) ? (
        <div className="row">
          <Field
            as="select"
            label="Part fitted"
            value={part}
            onChange={(e) => setPart(e.target.value)}
            error={action.fieldError('partsUsed')}
          >
            <option value="">None</option>
            {PARTS.map((p) => (
              <option key={p} value={p}>
                {p}
              </option>
            ))}
          </Field>
          <Field
            label="Quantity"
            inputMode="numeric"
            className="num"
            value={qty}
            onChange={(e) => setQty(e.target.value)}
            error={action.fieldError('qty')}
          />
          <Field
            label="Faulty part's serial"
            value={removedSerial}
            onChange={(e) => setRemoved(e.target.value)}
            error={action.fieldError('removedSerial')}
          />
          <Field
            label="Fitted part's serial"
            value={fittedSerial}
            onChange={(e) => setFitted(e.target.value)}
            error={action.fieldError('fittedSerial')}
          />
        </div>
      ) : null}
    </ActionForm>
  );
}

function WaitTicket({ tickets, onDone }: { tickets: ServiceTickets; onDone: () => void }) {
  const [id, setId] = useState('');
  const [reason, setReason] = useState('parts');
  const action = useSubmit(
    (key) =>
      api<ServiceTicket>(`/api/service/tickets/${id || 0}/wait`, {
        method: 'POST',
        body: { reason: reason === 'resume' ? null : reason },
        idempotencyKey: key,
      }),
    onDone,
  );
  return (
    <ActionForm
      title="Wait or resume"
      intro="The SLA clock stops while a ticket waits, and runs again when it resumes."
      action={action}
      fields={['id', 'reason', 'ticketId']}
      submit={reason === 'resume' ? 'Resume' : 'Wait'}
      busy="Recording…"
      done={(t) =>
        t.waitingFor
          ? `Ticket #${t.id} waits for ${t.waitingFor}: SLA clock paused.`
          : `Ticket #${t.id} resumed: SLA clock running.`
      }
    >
      <div className="row">
        <TicketChoice
          tickets={tickets}
          value={id}
          onChange={setId}
          error={action.fieldError('id') ?? action.fieldError('ticketId')}
        />
        <Field
          as="select"
          label="Waiting for"
          value={reason}
          onChange={(e) => setReason(e.target.value)}
          error={action.fieldError('reason')}
        >
          {WAIT_REASONS.map((r) => (
            <option key={r} value={r}>
              {r}
            </option>
          ))}
          <option value="resume">nothing: resume</option>
        </Field>
      </div>
    </ActionForm>
  );
}
