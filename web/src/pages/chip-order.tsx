/**
 * How many wafers to order this month and why: the recommendation sizes the order from what the
 * order book needs and from what buyers will take at a BTC price (payback). Supply tries a price
 * here before placing orders; the API does the reasoning and says every step of it.
 */
import { useState } from 'react';
import { query } from '../api.js';
import { count, usd } from '../format.js';
import type { Recommendation } from '../replies.js';
import { besideField, DataTable, ErrorText, Field, Figure, Section, useApi } from '../ui.js';

export function ChipOrder({ defaultMonth }: { defaultMonth: string }) {
  const [month, setMonth] = useState(defaultMonth);
  const [btcUsd, setBtcUsd] = useState('');
  const advice = useApi<Recommendation>(
    `/api/supply/recommendation${query({ month, btcUsd: btcUsd.trim() })}`,
  );
  const fieldError = (field: string) =>
    advice.error?.field === field ? besideField(advice.error) : undefined;
  // A refusal of a field is said beside it; any other is said in place of the advice.
  const otherError = advice.error && !fieldError('month') && !fieldError('btcUsd') ? advice.error : undefined;
  return (
    <Section
      title="Chip order: how many wafers to order"
      actions={
        <div className="toolbar">
          <Field
            label="Order placed in"
            type="month"
            value={month}
            onChange={(e) => setMonth(e.target.value)}
            error={fieldError('month')}
          />
          <Field
            label="BTC price"
            unit="USD"
            inputMode="decimal"
            placeholder="market's"
            value={btcUsd}
            onChange={(e) => setBtcUsd(e.target.value)}
            error={fieldError('btcUsd')}
          />
        </div>
      }
    >
      {() =>
        otherError ? (
          <ErrorText error={otherError} />
        ) : advice.error ? (
          <p className="muted">Correct the field above to see the advice.</p>
        ) : advice.data === undefined ? (
          <p className="muted" aria-busy="true">
            Loading…
          </p>
        ) : (
          <Advice r={advice.data} />
        )
      }
    </Section>
  );
}

function Advice({ r }: { r: Recommendation }) {
  return (
    <>
      <div className="figures">
        <Figure
          label="Wafers to order"
          value={count(r.totalWafers)}
          sub={`placed ${r.month}`}
          testId="chip-order-wafers"
        />
        <Figure
          label="At BTC"
          value={usd(r.inputs.btcUsd)}
          sub={`market of ${r.inputs.day} unless set`}
          testId="chip-order-btc"
        />
        <Figure
          label={`Payback of an ${r.inputs.model.productId}`}
          value={r.inputs.paybackDays === null ? 'never' : `${count(Math.round(r.inputs.paybackDays))} days`}
          sub={`buyers take ${Math.round(r.demand.spotShare * 1000) / 10} % of free capacity`}
        />
      </div>
      <DataTable
        rows={r.agreements}
        keyOf={(a) => a.agreementId}
        empty="No capacity agreement is in force for this month."
        columns={[
          { label: 'Foundry', render: (a) => a.foundryName },
          { label: 'Comes out', render: (a) => a.outMonth },
          { label: 'Capacity / month', num: true, render: (a) => count(a.wafersPerMonth) },
          { label: 'Take-or-pay', num: true, render: (a) => count(a.takeOrPayWafers) },
          { label: 'Already placed', num: true, render: (a) => count(a.alreadyPlaced) },
          { label: 'Recommended', num: true, render: (a) => count(a.wafers) },
          {
            label: 'Good dies expected',
            num: true,
            render: (a) => count(a.lots.reduce((n, l) => n + l.expectedDies, 0)),
          },
        ]}
      />
      <h3>Why</h3>
      <ul className="hint">
        {r.explanation.map((line) => (
          <li key={line}>{line}</li>
        ))}
      </ul>
    </>
  );
}
