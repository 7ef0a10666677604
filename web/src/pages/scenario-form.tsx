/**
 * Saving a scenario, as finance does it: the day the books and market are read as of, how far and
 * on how many paths to look, the price model, the shocks and the cash floor. The API checks
 * everything; its refusal shows beside the field it names.
 */
import { useState } from 'react';
import { api } from '../api.js';
import type { Scenario } from '../replies.js';
import { ErrorText, Field, Section, useSubmit } from '../ui.js';

interface ShockRow {
  /** Which row this is to React, kept while the user edits it. */
  key: number;
  month: string;
  changePct: string;
}

let rows = 0;
const emptyShock = (): ShockRow => ({ key: ++rows, month: '', changePct: '' });

/** Optional fields left blank are not sent: the API then calibrates or uses its default. */
const given = (name: string, value: string) => (value.trim() === '' ? {} : { [name]: value.trim() });

export function ScenarioForm({ onSaved }: { onSaved: (scenario: Scenario) => void }) {
  const [name, setName] = useState('');
  const [asOf, setAsOf] = useState('2020-12-31');
  const [horizon, setHorizon] = useState('12');
  const [paths, setPaths] = useState('10000');
  const [seed, setSeed] = useState('1');
  const [model, setModel] = useState<'gbm' | 'bootstrap'>('gbm');
  const [drift, setDrift] = useState('');
  const [volatility, setVolatility] = useState('');
  const [blockMonths, setBlockMonths] = useState('3');
  const [shocks, setShocks] = useState<ShockRow[]>([]);
  const [cashFloor, setCashFloor] = useState('');
  const form = useSubmit(
    (key) =>
      api<Scenario>('/api/planning/scenarios', {
        method: 'POST',
        idempotencyKey: key,
        body: {
          name,
          asOf,
          horizonMonths: horizon,
          paths,
          seed,
          price:
            model === 'gbm'
              ? { model, ...given('driftPctYear', drift), ...given('volatilityPctYear', volatility) }
              : { model, blockMonths },
          shocks: shocks.map(({ month, changePct }) => ({ month, changePct })),
          ...given('cashFloorUsd', cashFloor),
        },
      }),
    onSaved,
  );
  const setShock = (i: number, change: Partial<ShockRow>) =>
    setShocks((ss) => ss.map((s, j) => (j === i ? { ...s, ...change } : s)));
  // Every field shown below; a refusal naming none of them is said under the form.
  const shown = [
    'name',
    'asOf',
    'horizonMonths',
    'paths',
    'seed',
    'price.model',
    'price.driftPctYear',
    'price.volatilityPctYear',
    'price.blockMonths',
    'cashFloorUsd',
    ...shocks.flatMap((_, i) => [`shocks.${i}.month`, `shocks.${i}.changePct`]),
  ];
  return (
    <Section title="A new scenario" primary>
      {() => (
        <form onSubmit={form.submit} aria-label="New scenario">
          <div className="row">
            <Field
              label="Scenario name"
              value={name}
              onChange={(e) => setName(e.target.value)}
              error={form.fieldError('name')}
            />
            <Field
              label="As of"
              type="date"
              hint="the books and the market as of this day"
              value={asOf}
              onChange={(e) => setAsOf(e.target.value)}
              error={form.fieldError('asOf')}
            />
          </div>
          <div className="row">
            <Field
              label="Horizon"
              unit="months"
              inputMode="numeric"
              className="num"
              value={horizon}
              onChange={(e) => setHorizon(e.target.value)}
              error={form.fieldError('horizonMonths')}
            />
            <Field
              label="Paths"
              inputMode="numeric"
              className="num"
              value={paths}
              onChange={(e) => setPaths(e.target.value)}
              error={form.fieldError('paths')}
            />
            <Field
              label="Seed"
              hint="the same seed gives the same figures"
              inputMode="numeric"
              className="num"
              value={seed}
              onChange={(e) => setSeed(e.target.value)}
              error={form.fieldError('seed')}
            />
          </div>
          <fieldset>
            <legend>BTC price</legend>
            <div className="row">
              <Field
                as="select"
                label="Price model"
                value={model}
                onChange={(e) => setModel(e.target.value === 'bootstrap' ? 'bootstrap' : 'gbm')}
                error={form.fieldError('price.model')}
              >
                <option value="gbm">geometric Brownian motion</option>
                <option value="bootstrap">bootstrap of history</option>
              </Field>
              {model === 'gbm' ? (
                <>
                  <Field
                    label="Drift"
                    unit="% a year"
                    hint="blank: calibrated on the history"
                    inputMode="decimal"
                    className="num"
                    value={drift}
                    onChange={(e) => setDrift(e.target.value)}
                    error={form.fieldError('price.driftPctYear')}
                  />
                  <Field
                    label="Volatility"
                    unit="% a year"
                    hint="blank: calibrated on the history"
                    inputMode="decimal"
                    className="num"
                    value={volatility}
                    onChange={(e) => setVolatility(e.target.value)}
                    error={form.fieldError('price.volatilityPctYear')}
                  />
                </>
              ) : (
                <Field
                  label="Block"
                  unit="months"
                  hint="months of history drawn together"
                  inputMode="numeric"
                  className="num"
                  value={blockMonths}
                  onChange={(e) => setBlockMonths(e.target.value)}
                  error={form.fieldError('price.blockMonths')}
                />
              )}
            </div>
          </fieldset>
          <fieldset>
            <legend>Shocks</legend>
            {shocks.length === 0 ? <p className="hint">None: the price follows its model.</p> : null}
            {shocks.map((s, i) => (
              <div className="row" key={s.key}>
                <Field
                  label={`Shock ${i + 1} month`}
                  type="month"
                  value={s.month}
                  onChange={(e) => setShock(i, { month: e.target.value })}
                  error={form.fieldError(`shocks.${i}.month`)}
                />
                <Field
                  label={`Shock ${i + 1} change`}
                  unit="%"
                  hint="BTC/USD changes by this much that month, and stays changed"
                  inputMode="decimal"
                  className="num"
                  value={s.changePct}
                  onChange={(e) => setShock(i, { changePct: e.target.value })}
                  error={form.fieldError(`shocks.${i}.changePct`)}
                />
                <button
                  type="button"
                  className="secondary"
                  onClick={() => setShocks((ss) => ss.filter((_, j) => j !== i))}
                >
                  Remove shock {i + 1}
                </button>
              </div>
            ))}
            <button
              type="button"
              className="secondary"
              onClick={() => setShocks((ss) => [...ss, emptyShock()])}
            >
              Add a shock
            </button>
          </fieldset>
          <div className="row">
            <Field
              label="Cash floor"
              unit="USD"
              hint="cash must stay at or above this (blank: 0)"
              inputMode="decimal"
              className="num"
              value={cashFloor}
              onChange={(e) => setCashFloor(e.target.value)}
              error={form.fieldError('cashFloorUsd')}
            />
          </div>
          <ErrorText error={form.formError(shown)} />
          <button type="submit" disabled={form.busy}>
            {form.busy ? 'Saving…' : 'Save and run'}
          </button>
        </form>
      )}
    </Section>
  );
}
