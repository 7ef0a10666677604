/**
 * What mining operations change about a site: its compliance (approve with a permit, suspend,
 * which flags every machine there for curtailment) and its power price from a day on (finance may
 * set that too). The API checks the rules; a refusal shows beside the field it names.
 */
import { useState } from 'react';
import { MINING_ACCESS } from '../../../src/mining/access.js';
import { COMPLIANCE_STATUSES } from '../../../src/mining/model.js';
import { Allowed } from '../access.js';
import { api } from '../api.js';
import { today } from '../format.js';
import { ErrorText, Field, useSubmit } from '../ui.js';

export function SiteActions({ code, status, onDone }: { code: string; status: string; onDone: () => void }) {
  const [open, setOpen] = useState(false);
  if (!open)
    return (
      <Allowed need={[...MINING_ACCESS.prices, MINING_ACCESS.sites]} doing="change a site" quiet>
        <button type="button" className="secondary" onClick={() => setOpen(true)}>
          Change {code}
        </button>
      </Allowed>
    );
  return (
    <div className="site-actions">
      <Allowed need={MINING_ACCESS.sites} doing={`change ${code}'s compliance`}>
        <ComplianceForm code={code} status={status} onDone={onDone} />
      </Allowed>
      <Allowed need={MINING_ACCESS.prices} doing={`set ${code}'s power price`}>
        <PriceForm code={code} onDone={onDone} />
      </Allowed>
      <button type="button" className="secondary" onClick={() => setOpen(false)}>
        Close
      </button>
    </div>
  );
}

/** The change people usually make from each status: approve a pending or suspended site, suspend an approved one. */
const NEXT_STATUS: Record<string, string> = {
  pending: 'approved',
  suspended: 'approved',
  approved: 'suspended',
};

function ComplianceForm({
  code,
  status: current,
  onDone,
}: {
  code: string;
  status: string;
  onDone: () => void;
}) {
  const [status, setStatus] = useState<string>(NEXT_STATUS[current] ?? 'approved');
  const [permitRef, setPermitRef] = useState('');
  const [permitFrom, setPermitFrom] = useState(today());
  const [reason, setReason] = useState('');
  const form = useSubmit(
    (key) =>
      api(`/api/mining/sites/${code}/compliance`, {
        method: 'POST',
        idempotencyKey: key,
        body: {
          status,
          reason,
          ...(permitRef.trim() ? { permitRef: permitRef.trim(), permitFrom } : {}),
        },
      }),
    onDone,
  );
  return (
    <form onSubmit={form.submit} aria-label={`Compliance of ${code}`}>
      <div className="row">
        <Field
          as="select"
          label="Compliance"
          value={status}
          onChange={(e) => setStatus(e.target.value)}
          error={form.fieldError('status')}
        >
          {COMPLIANCE_STATUSES.map((s) => (
            <option key={s}>{s}</option>
          ))}
        </Field>
        <Field
          label="Permit"
          value={permitRef}
          onChange={(e) => setPermitRef(e.target.value)}
          error={form.fieldError('permitRef')}
        />
        <Field
          label="Permit from"
          type="date"
          value={permitFrom}
          onChange={(e) => setPermitFrom(e.target.value)}
          error={form.fieldError('permitFrom')}
        />
        <Field
          label="Reason"
          hint="required, for the record"
          value={reason}
          onChange={(e) => setReason(e.target.value)}
          error={form.fieldError('reason')}
        />
      </div>
      <ErrorText error={form.formError(['status', 'permitRef', 'permitFrom', 'reason'])} />
      <button type="submit" disabled={form.busy}>
        {form.busy ? 'Saving…' : 'Change compliance'}
      </button>
      {form.done && !form.busy ? (
        <p className="ok" role="status">
          {code} is {status} now.
        </p>
      ) : null}
    </form>
  );
}

function PriceForm({ code, onDone }: { code: string; onDone: () => void }) {
  const [usdPerKwh, setUsdPerKwh] = useState('');
  const [effectiveFrom, setEffectiveFrom] = useState(today());
  const form = useSubmit(
    (key) =>
      api(`/api/mining/sites/${code}/prices`, {
        method: 'POST',
        idempotencyKey: key,
        body: { usdPerKwh, effectiveFrom },
      }),
    () => {
      setUsdPerKwh('');
      onDone();
    },
  );
  return (
    <form onSubmit={form.submit} aria-label={`Power price of ${code}`}>
      <div className="row">
        <Field
          label="Power price"
          unit="USD/kWh"
          inputMode="decimal"
          className="num"
          placeholder="0.045"
          value={usdPerKwh}
          onChange={(e) => setUsdPerKwh(e.target.value)}
          error={form.fieldError('usdPerKwh')}
        />
        <Field
          label="From"
          type="date"
          value={effectiveFrom}
          onChange={(e) => setEffectiveFrom(e.target.value)}
          error={form.fieldError('effectiveFrom')}
        />
      </div>
      <ErrorText error={form.formError(['usdPerKwh', 'effectiveFrom'])} />
      <button type="submit" disabled={form.busy}>
        {form.busy ? 'Saving…' : 'Set price'}
      </button>
      {form.done && !form.busy ? (
        <p className="ok" role="status">
          Price saved from {effectiveFrom}.
        </p>
      ) : null}
    </form>
  );
}
