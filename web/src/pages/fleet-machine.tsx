/**
 * What a machine's page shows of its last poll — boards, fans, PSU, pools, work mode — its wanted
 * power and whether it does as asked, and, on the demo's simulated rack, the control that makes it
 * misbehave by hand (for walking the alerts).
 */
import { useState } from 'react';
import { Allowed } from '../access.js';
import { api } from '../api.js';
import { count, dateTime, fixed, hashrate } from '../format.js';
import type { DemoMachineFault, MachineHistory, MachineTelemetry } from '../replies.js';
import { DataTable, ErrorText, Field, Figure, Section, useApi, useSubmit } from '../ui.js';

const celsius = (c: number | undefined) => (c === undefined ? '—' : `${fixed(c, 0)} °C`);
const watts = (w: number | undefined) => (w === undefined ? '—' : `${count(w)} W`);

/**
 * The power the machine is meant to have (its latest soft off or on) and, when its status does not
 * match it, a "not as asked" badge saying how: a curtailed machine found hashing (the reconciler
 * sends it the soft off again after a sweep) or one resumed but idle; judged by its last poll, which
 * answered (one not answering is offline, its status says so: `notAsAsked` in src/fleet/model.ts).
 */
export function PowerFigure({ power, status }: { power: MachineHistory['power']; status: string }) {
  if (power.wanted === null)
    return <Figure label="Power" value="—" sub="never curtailed or resumed" testId="machine-power" />;
  const asked = `${power.wanted === 'off' ? 'soft off' : 'soft on'} by ${power.askedBy} ${dateTime(power.askedAt!)}`;
  const why =
    power.notAsAsked === 'hashing-while-meant-off'
      ? `hashing (${status}) though meant off: ${asked}; the soft off is sent again after a sweep`
      : power.notAsAsked === 'not-hashing-while-meant-on'
        ? `${status} though meant on: ${asked}`
        : asked;
  return (
    <Figure
      label="Power"
      testId="machine-power"
      value={
        <>
          {power.wanted === 'off' ? 'Meant off' : 'Meant on'}
          {power.notAsAsked ? (
            <div>
              <span className="badge not-as-asked">not as asked</span>
            </div>
          ) : null}
        </>
      }
      sub={why}
    />
  );
}

export function MachineParts({ t }: { t: MachineTelemetry | null }) {
  if (!t)
    return <p className="muted">No answer from this machine yet: its parts show after its first poll.</p>;
  const psuError = t.psu?.errorCode;
  // A machine told to stop (soft off, or idle by its own work state: the poll's status says which,
  // by health.ts's one rule) has boards at 0 TH/s and fans at rest by design, not broken ones.
  const idle = t.status === 'idle';
  return (
    <>
      <div className="figures">
        <Figure
          label="Work mode"
          value={t.workMode ?? '—'}
          sub={
            [t.workState, t.softOff ? 'curtailed (soft off)' : undefined].filter(Boolean).join(', ') ||
            undefined
          }
        />
        <Figure
          label="PSU"
          value={psuError === undefined ? '—' : psuError === 0 ? 'healthy' : `error ${psuError}`}
          sub={`output ${watts(t.psu?.outputW)}, wall ${watts(t.powerW)}`}
          testId="machine-psu"
        />
        <Figure
          label="Temperatures"
          value={celsius(t.temperatures?.hottestChipC)}
          sub={`hottest chip; inlet ${celsius(t.temperatures?.inletC)}, outlet ${celsius(t.temperatures?.outletC)}`}
        />
        <Figure
          label="Uptime"
          value={t.uptimeSeconds === undefined ? '—' : `${count(Math.round(t.uptimeSeconds / 60))} min`}
        />
      </div>
      <h3>Hash boards</h3>
      <DataTable
        id="boards"
        rows={t.boards ?? []}
        keyOf={(b) => `${b.module ?? ''}-${b.index}`}
        empty="The miner reports no boards."
        columns={[
          { label: 'Board', render: (b) => (b.module ? `${b.module} #${b.index}` : `#${b.index}`) },
          {
            label: 'Hashrate',
            num: true,
            render: (b) =>
              b.hashrateThs !== 0 ? (
                hashrate(b.hashrateThs)
              ) : idle ? (
                <span className="badge board-idle">idle</span>
              ) : (
                <span className="badge board-down">down</span>
              ),
          },
          { label: 'Chips', num: true, render: (b) => (b.chips === undefined ? '—' : count(b.chips)) },
          { label: 'Hottest chip', num: true, render: (b) => celsius(b.chipMaxC) },
          { label: 'Chip average', num: true, render: (b) => celsius(b.chipAvgC) },
        ]}
      />
      <h3>Fans</h3>
      <DataTable
        id="fans"
        rows={(t.fansRpm ?? []).map((rpm, i) => ({ i, rpm }))}
        keyOf={(f) => f.i}
        empty="The miner reports no fans."
        {...(t.fanDutyPercent === undefined ? {} : { caption: `Fan duty ${t.fanDutyPercent} %` })}
        columns={[
          { label: 'Fan', render: (f) => `Fan ${f.i + 1}` },
          {
            label: 'Speed',
            num: true,
            render: (f) =>
              f.rpm === 0 && !idle ? (
                <span className="badge fan-failure">stopped</span>
              ) : (
                `${count(f.rpm)} rpm`
              ),
          },
        ]}
      />
      <h3>Pools</h3>
      <DataTable
        id="pools"
        rows={t.pools ?? []}
        keyOf={(p) => `${p.index}-${p.url}`}
        empty="The miner lists no pools."
        columns={[
          { label: 'Pool', render: (p) => p.index ?? '—' },
          { label: 'URL', render: (p) => p.url },
          { label: 'Worker', render: (p) => p.user ?? '—' },
          { label: 'Status', render: (p) => p.status ?? '—' },
          { label: 'Priority', num: true, render: (p) => p.priority ?? '—' },
          { label: 'Active', render: (p) => (p.active || p.priority === 0 ? <strong>active</strong> : '') },
        ]}
      />
    </>
  );
}

/** Only where `npm start` runs the demo rack: a refusal (no simulator) hides the control and says why. */
export function DemoFault({ machineId, onDone }: { machineId: number; onDone: () => void }) {
  return (
    <Allowed need="admin" doing="make a demo machine misbehave" quiet>
      <DemoFaultForm machineId={machineId} onDone={onDone} />
    </Allowed>
  );
}

function DemoFaultForm({ machineId, onDone }: { machineId: number; onDone: () => void }) {
  const state = useApi<DemoMachineFault>(`/api/demo/rack/machines/${machineId}/fault`);
  const [fault, setFault] = useState('fan-failure');
  const form = useSubmit(
    () =>
      api<DemoMachineFault>(`/api/demo/rack/machines/${machineId}/fault`, {
        method: 'POST',
        body: { fault },
      }),
    () => {
      state.reload();
      onDone();
    },
  );
  // 409: this server runs no demo rack (or this machine is not on it): nothing to offer here.
  if (state.error?.status === 409) return null;
  const now = state.data;
  if (!now) return <ErrorText error={state.error} />;
  return (
    <Section title="Demo: make this simulated machine misbehave" primary>
      {() => (
        <form
          onSubmit={form.submit}
          aria-label="Demo: make this simulated machine misbehave"
          className="toolbar"
        >
          <span>
            Simulated now: <strong data-testid="demo-fault">{now.fault ?? 'healthy'}</strong>
          </span>
          <Field
            as="select"
            label="Make it"
            value={fault}
            onChange={(e) => setFault(e.target.value)}
            error={form.fieldError('fault')}
          >
            {now.choices.map((c) => (
              <option key={c}>{c}</option>
            ))}
          </Field>
          <button type="submit" className="secondary" disabled={form.busy}>
            {form.busy ? 'Setting…' : 'Apply to the simulator'}
          </button>
          <ErrorText error={form.formError(['fault'])} />
        </form>
      )}
    </Section>
  );
}
