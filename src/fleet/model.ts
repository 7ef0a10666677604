/**
 * The fleet's rules as pure functions: address ranges to scan, how a poll moves a machine's status,
 * what each control action sends and how its effect is confirmed, and the time buckets of the series.
 */
import { invalid } from '../kernel/errors.js';
import type { MinerStatus, NormalisedTelemetry } from './protocol/telemetry.js';

/**
 * `new` until the first poll answers; `offline` after too many failed polls in a row;
 * `protocol-error` as soon as the machine answers with something that cannot be used (garbage, a
 * flood, nesting no firmware sends, no hashrate, an impossible hashrate): it is up, but not to be
 * believed, which is a different job for operations than an unplugged machine.
 */
export const MACHINE_STATUSES = [
  'new',
  'ok',
  'degraded',
  'overheating',
  'fan-failure',
  'board-down',
  'idle',
  'offline',
  'protocol-error',
] as const;
export type MachineStatus = (typeof MACHINE_STATUSES)[number];

/**
 * Machines whose last good figures are not hashing now: an unplugged one, and one answering with
 * what cannot be used (its last good hashrate is history, not what it does). Every total — site
 * tallies, the fleet's summary, `/metrics`, self-mining's measured figure — leaves them out.
 */
export const LEFT_OUT_OF_TOTALS: readonly MachineStatus[] = ['offline', 'protocol-error'];

/** Takes the status as stored (text): the tables' rows are not narrowed to `MachineStatus`. */
export const hashingNow = (status: string): boolean =>
  !(LEFT_OUT_OF_TOTALS as readonly string[]).includes(status);

/**
 * Statuses of a machine whose last answer shows it hashing: a machine meant to be off (curtailed)
 * in one of them does not match what was asked, and is sent the soft off again.
 */
export const HASHING_STATUSES: readonly MachineStatus[] = [
  'ok',
  'degraded',
  'overheating',
  'fan-failure',
  'board-down',
];

/**
 * The power a control asks its machines to keep from now on: a soft off or soft on sets it, every
 * other action (a reboot, a pool) leaves it as it was. Takes the action as the event stores it.
 */
export function wantedPowerOf(action: unknown): 'off' | 'on' | undefined {
  const kind = (action as { kind?: unknown } | null)?.kind;
  return kind === 'soft-off' ? 'off' : kind === 'soft-on' ? 'on' : undefined;
}

/**
 * How a machine stands against its wanted power, judged by its last poll, which must have answered
 * (a machine that stopped answering is offline or on its way there: its status and alerts say so):
 * meant off (curtailed) but hashing — the one rule the reconciler sends the soft off again by
 * (`meantOffButHashing` in store.ts is its SQL; a test checks they agree) — or meant on (soft on)
 * but idle. Undefined when it does as asked, and when nobody ever asked (no soft off or on sent):
 * a machine never asked is not told apart here from one that is broken, which its status says.
 */
export function notAsAsked(
  wanted: 'off' | 'on' | undefined,
  machine: { status: string; consecutiveFailures: number },
): 'hashing-while-meant-off' | 'not-hashing-while-meant-on' | undefined {
  if (machine.consecutiveFailures !== 0) return undefined;
  if (wanted === 'off')
    return (HASHING_STATUSES as readonly string[]).includes(machine.status)
      ? 'hashing-while-meant-off'
      : undefined;
  if (wanted === 'on') return machine.status === 'idle' ? 'not-hashing-while-meant-on' : undefined;
  return undefined;
}

/** Three failed polls in a row make a machine offline (hass-miner and Foreman settle on about this). */
export const DEFAULT_OFFLINE_AFTER = 3;

/**
 * A machine whose last answer took this long, or whose last poll timed out, is a straggler: a sweep
 * asks stragglers first, so that their slow answers and time-outs overlap the polls of the healthy
 * rest instead of holding the sweep open after everything else has answered.
 */
export const STRAGGLER_POLL_MS = 1000;

/** The failure kind of a poll that ended because the poller stopped waiting (the client's). */
export const TIMED_OUT = 'timeout';

/**
 * Whether a poll kept the poller waiting, so that the machine's next poll is a straggler's: answered
 * after STRAGGLER_POLL_MS or more, or failed by a time-out (silent, trickling, unreachable: waited
 * on until the poller gave up). A poll that failed fast (refused, reset, garbage, a flood cut at the
 * size limit, nesting too deep, figures refused) cost the sweep no more than an answer, and the
 * machine is asked with the rest: in the straggler lane, a few hundred of them were read at once
 * beside the silent ones and held the slots the silent ones needed. A failure of no known kind (a
 * record written before kinds were kept) is taken for a time-out.
 */
export function keptWaiting(poll: {
  answered: boolean;
  durationMs: number;
  failureKind?: string | null;
}): boolean {
  if (!poll.answered) return (poll.failureKind ?? TIMED_OUT) === TIMED_OUT;
  return poll.durationMs >= STRAGGLER_POLL_MS;
}

/** Foreman refuses ranges of 65,536 addresses or more; a site's management network is far smaller. */
export const MAX_SCAN_ADDRESSES = 65_536;

/** A site code: short, no spaces; `*` is reserved for the whole fleet's totals. */
export const SITE_CODE = /^[A-Za-z0-9][A-Za-z0-9_.-]{0,39}$/;
export const FLEET_SCOPE = '*';

// ---------------------------------------------------------------- addresses

export interface AddressRange {
  text: string;
  first: number;
  count: number;
}

const IPV4 = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/;

export function ipToNumber(text: string, field = 'address'): number {
  const m = IPV4.exec(text.trim());
  const parts = m ? m.slice(1).map(Number) : [];
  if (!m || parts.some((p) => p > 255)) {
    throw invalid(field, `${field} must be an IPv4 address such as 10.0.0.7, got "${text}".`);
  }
  return ((parts[0]! << 24) | (parts[1]! << 16) | (parts[2]! << 8) | parts[3]!) >>> 0;
}

export function numberToIp(n: number): string {
  return `${(n >>> 24) & 255}.${(n >>> 16) & 255}.${(n >>> 8) & 255}.${n & 255}`;
}

/**
 * `10.1.0.0/20`, a single address, or `10.1.0.5-10.1.0.90`. A CIDR block's host bits need not be
 * zero (`10.1.0.7/20` means the block around it), as people type them.
 */
export function parseRange(text: string, field = 'range'): AddressRange {
  const trimmed = text.trim();
  const refuse = (why: string) =>
    invalid(
      field,
      `${field} must be a block like 10.1.0.0/20, a range like 10.1.0.5-10.1.0.90 or one address; ${why}.`,
    );
  let first: number;
  let count: number;
  if (trimmed.includes('/')) {
    const [base, bits] = trimmed.split('/');
    if (!/^\d{1,2}$/.test(bits ?? '') || Number(bits) > 32) throw refuse(`"/${bits}" is not a prefix length`);
    const prefix = Number(bits);
    count = 2 ** (32 - prefix);
    const mask = prefix === 0 ? 0 : (0xffffffff << (32 - prefix)) >>> 0;
    first = (ipToNumber(base ?? '', field) & mask) >>> 0;
  } else if (trimmed.includes('-')) {
    const [from, to] = trimmed.split('-');
    first = ipToNumber(from ?? '', field);
    const last = ipToNumber(to ?? '', field);
    if (last < first) throw refuse(`${to} comes before ${from}`);
    count = last - first + 1;
  } else {
    first = ipToNumber(trimmed, field);
    count = 1;
  }
  if (count > MAX_SCAN_ADDRESSES) {
    throw refuse(
      `"${trimmed}" holds ${count.toLocaleString('en-US')} addresses, over the limit of ${MAX_SCAN_ADDRESSES.toLocaleString('en-US')} (a /16): scan it in parts`,
    );
  }
  return { text: trimmed, first, count };
}

export function* addressesOf(range: AddressRange): Generator<string> {
  for (let i = 0; i < range.count; i++) yield numberToIp(range.first + i);
}

// ---------------------------------------------------------------- identity

export interface Identity {
  serial: string;
  dna?: string;
  mac?: string;
  model?: string;
  firmware?: string;
}

/**
 * DNA is the controller's unique id; MAC where the firmware gives no DNA; else a serial from
 * another command (an Antminer's `miner_id` in `stats`).
 */
export function identityOf(t: NormalisedTelemetry): Identity | undefined {
  const serial = t.dna ?? t.mac ?? t.serial;
  if (!serial) return undefined;
  return describedIdentity(t, serial);
}

/** The last resort for a miner that states no identity anywhere: `address:<host>:<port>`. */
export function addressIdentity(t: NormalisedTelemetry, host: string, port: number): Identity {
  return describedIdentity(t, `address:${host}:${port}`);
}

function describedIdentity(t: NormalisedTelemetry, serial: string): Identity {
  const id: Identity = { serial };
  if (t.dna) id.dna = t.dna;
  if (t.mac) id.mac = t.mac;
  if (t.model) id.model = t.model;
  if (t.firmware) id.firmware = t.firmware;
  return id;
}

// ---------------------------------------------------------------- polling

export interface MachineCondition {
  status: MachineStatus;
  consecutiveFailures: number;
}

export type PollOutcome =
  | { ok: true; status: MinerStatus | undefined; reason: string | undefined }
  /** `protocol`: the machine answered, but its answer cannot be used (see `MACHINE_STATUSES`). */
  | { ok: false; failure: string; protocol?: boolean };

export interface StatusChange {
  from: MachineStatus;
  to: MachineStatus;
  reason: string;
}

/**
 * A poll moves a machine: an answer sets its health and clears the failures; a failure only counts,
 * and the machine keeps its status (and its last good figures) until `offlineAfter` failures in a
 * row make it offline. One missed answer is a gap in the measurements, not a stopped machine.
 */
export function afterPoll(
  before: MachineCondition,
  outcome: PollOutcome,
  offlineAfter = DEFAULT_OFFLINE_AFTER,
): MachineCondition & { change?: StatusChange; reason: string | undefined } {
  if (outcome.ok) {
    const to: MachineStatus = outcome.status ?? 'degraded';
    const reason = outcome.status
      ? outcome.reason
      : 'the reply held no figures to judge its health by (no stats or summary)';
    const next = { status: to, consecutiveFailures: 0, reason };
    if (to === before.status) return next;
    const why =
      before.status === 'offline' ? `answering again${reason ? `; ${reason}` : ''}` : (reason ?? to);
    return { ...next, change: { from: before.status, to, reason: why } };
  }
  const failures = before.consecutiveFailures + 1;
  if (outcome.protocol) {
    // Answered, so not a missed poll: judged at once, and its figures are never taken.
    const next = {
      status: 'protocol-error' as const,
      consecutiveFailures: failures,
      reason: outcome.failure,
    };
    if (before.status === 'protocol-error') return next;
    return { ...next, change: { from: before.status, to: 'protocol-error', reason: outcome.failure } };
  }
  if (failures < offlineAfter || before.status === 'offline') {
    return { status: before.status, consecutiveFailures: failures, reason: outcome.failure };
  }
  const reason = `no answer to ${failures} polls in a row; last: ${outcome.failure}`;
  return {
    status: 'offline',
    consecutiveFailures: failures,
    reason,
    change: { from: before.status, to: 'offline', reason },
  };
}

// ---------------------------------------------------------------- the running-sweep slot

/** How often a sweeper says it is still sweeping. */
export const SWEEP_HEARTBEAT_MS = 10_000;
/** A sweeper we cannot check on (another host) that has been silent this long is gone. */
export const SWEEP_SILENT_MS = 60_000;
/**
 * A sweeper on this host whose pid is alive but that has been silent this long is gone too: the
 * system gave its pid to another process after it died (where it cannot tell when that one began).
 */
export const SWEEP_SILENT_PID_ALIVE_MS = 15 * 60_000;

/** The sweep holding the running-sweep slot, as a process about to start one sees it. */
export interface SweepClaim {
  /**
   * Whether its process is alive, when it runs on this host; undefined when that cannot be told
   * (another host, or a sweep recorded before sweeps named their process).
   */
  ownerAlive: boolean | undefined;
  /** Since it last said it was still sweeping. */
  silentMs: number;
}

/**
 * Whether the running sweep's claim ended with its process: at once when its process is known to
 * be dead (a sweeper killed on this host), after a minute of silence when it cannot be checked.
 */
export function sweepClaimLapsed(claim: SweepClaim): boolean {
  if (claim.ownerAlive === false) return true;
  return claim.silentMs > (claim.ownerAlive ? SWEEP_SILENT_PID_ALIVE_MS : SWEEP_SILENT_MS);
}

export interface SiteTally {
  machines: number;
  /** Answered this sweep. */
  reporting: number;
  /** Missed this sweep but not yet offline: their last good hashrate still counts. */
  stale: number;
  /** Offline: not counted in the hashrate, which is never filled with zeros or guesses. */
  offline: number;
  ths: number;
}

export const emptyTally = (): SiteTally => ({ machines: 0, reporting: 0, stale: 0, offline: 0, ths: 0 });

/** Adds one machine's sweep result to its site's tally. */
export function tally(
  t: SiteTally,
  m: { answered: boolean; status: MachineStatus; lastGoodThs: number | null },
): void {
  t.machines++;
  if (!hashingNow(m.status)) {
    t.offline++;
    return;
  }
  if (m.answered) t.reporting++;
  else t.stale++;
  if (m.lastGoodThs !== null) t.ths += m.lastGoodThs;
}

export function bucketStart(at: Date, minutes: number): Date {
  const size = minutes * 60_000;
  return new Date(Math.floor(at.getTime() / size) * size);
}

export const TELEMETRY_BUCKET_MINUTES = 5;

/**
 * A reported hashrate above this multiple of the model's nominal is refused: overclocked machines
 * reach perhaps 1.3-1.5× their rating; three times it is no machine, only a lie or a broken
 * counter (three miners claiming 10^12 TH/s once made the fleet 3,000,000 EH/s).
 */
export const MAX_NOMINAL_MULTIPLE = 3;
/**
 * Without a nominal figure (an unknown model), no single machine is believed above this: the
 * largest air- and hydro-cooled machines sold rate under 1 PH/s.
 */
export const MAX_MACHINE_THS = 2000;

/**
 * The nominal TH/s an Avalon's model name states: A10-A15 models are named `<series>-<TH/s bin>`
 * (`1246-81`, `15-194`; Canaan's A10 manual and the `version` fixtures). Undefined for names that
 * state none (Antminer `Antminer S19 Pro`, the Avalon Q): the reply's own nominal is used then.
 */
export function modelNominalThs(model: string | null | undefined): number | undefined {
  const bin = AVALON_MODEL.exec(model ?? '')?.[2];
  return bin === undefined ? undefined : Number(bin);
}

/** An Avalon model name: its series (`1246`) and, from the A12 on, its TH/s bin (`83`). */
const AVALON_MODEL = /^(?:AvalonMiner )?(\d{2,4})(?:-(\d{2,3}))?$/;

export interface WorkMode {
  mode: number;
  name: string;
}

/** The work modes of the Avalon A-series (Canaan A10 API manual §2.4): the simulator's models have these two. */
export const AVALON_WORK_MODES: readonly WorkMode[] = [
  { mode: 0, name: 'normal' },
  { mode: 1, name: 'performance' },
];

/**
 * The models whose work modes the project knows: the simulator's (simulator-models.ts; a test
 * checks the two agree). Other Avalon models differ (public firmware takes `workmode,set,2` on
 * some), so their modes are not guessed from the series.
 */
const KNOWN_WORK_MODES: ReadonlyMap<string, readonly WorkMode[]> = new Map(
  ['1047', '1246-83', '15-194'].map((model) => [model, AVALON_WORK_MODES]),
);

/** Above this no miner has a work mode (Avalon firmware numbers a handful from 0): a typo, not a mode. */
export const MAX_WORK_MODE = 9;

/** The work modes a model has; undefined for a model whose list we do not know (its miner judges). */
export function workModesOf(model: string | null | undefined): readonly WorkMode[] | undefined {
  const name = AVALON_MODEL.exec(model ?? '');
  return name ? KNOWN_WORK_MODES.get(name[2] === undefined ? name[1]! : `${name[1]}-${name[2]}`) : undefined;
}

/**
 * A work mode that is no mode at all (negative, fractional, past MAX_WORK_MODE), or that a selected
 * machine's known model does not have, is the request's mistake, refused naming `action.mode`
 * before the control is recorded or anything is sent (the miners refused it one by one, and the
 * control answered 409 naming the selector). A model whose modes are not known is sent the mode:
 * its miner's answer decides, and a refusal is recorded as that machine's.
 */
export function checkWorkMode(action: ControlAction, models: Iterable<string | null>): void {
  if (action.kind !== 'work-mode') return;
  if (!Number.isInteger(action.mode) || action.mode < 0 || action.mode > MAX_WORK_MODE)
    throw invalid('action.mode', `action.mode: a work mode is a whole number from 0 to ${MAX_WORK_MODE}.`);
  for (const model of new Set(models)) {
    const modes = workModesOf(model);
    if (modes && !modes.some((m) => m.mode === action.mode)) {
      throw invalid(
        'action.mode',
        `action.mode: model ${model} has no work mode ${action.mode}; its modes are ${modes.map((m) => `${m.mode} (${m.name})`).join(', ')}.`,
      );
    }
  }
}

/**
 * The catalogue product a fleet model name stands for: the product of that id or name, or, for an
 * Avalon name (`1246-83`: series and bin), the product named after its series (`AvalonMiner 1246`).
 * Undefined when none matches: a machine of a model the company does not make.
 */
export function catalogueProductOf(
  model: string | null | undefined,
  products: readonly { id: string; name: string }[],
): string | undefined {
  if (!model) return undefined;
  const series = AVALON_MODEL.exec(model)?.[1];
  const seriesName = series === undefined ? undefined : `AvalonMiner ${series}`;
  return products.find((p) => p.id === model || p.name === model || p.name === seriesName)?.id;
}

/**
 * Whether a poll's figures can be taken: a reply that states no hashrate at all, or one no machine
 * of this model can reach, is refused with the reason (a protocol error, never `ok`). A soft-off
 * machine may state none: idle is its own status.
 */
export function refuseFigures(t: {
  status?: MinerStatus | undefined;
  hashrateThs?: { recent?: number; average?: number } | undefined;
  nominalThs?: number | undefined;
}): string | undefined {
  const ths = t.hashrateThs?.recent ?? t.hashrateThs?.average;
  if (ths === undefined) {
    return t.status === 'idle'
      ? undefined
      : 'the reply states no hashrate (no summary, devs or stats figure)';
  }
  if (!Number.isFinite(ths) || ths < 0) return `the reply states an impossible hashrate (${ths})`;
  const limit =
    t.nominalThs !== undefined && t.nominalThs > 0 ? t.nominalThs * MAX_NOMINAL_MULTIPLE : MAX_MACHINE_THS;
  if (ths > limit) {
    const why =
      t.nominalThs !== undefined && t.nominalThs > 0
        ? `over ${MAX_NOMINAL_MULTIPLE}× the model's nominal ${t.nominalThs} TH/s`
        : `over the ${MAX_MACHINE_THS} TH/s no machine reaches`;
    return `hashrate refused: the miner claims ${ths.toPrecision(4)} TH/s, ${why}`;
  }
  return undefined;
}
export const TOTALS_BUCKET_MINUTES = 1;

// ---------------------------------------------------------------- control

export const CONTROL_KINDS = ['soft-off', 'soft-on', 'reboot', 'work-mode', 'pool', 'add-pool'] as const;

export type ControlAction =
  | { kind: 'soft-off' }
  | { kind: 'soft-on' }
  | { kind: 'reboot' }
  | { kind: 'work-mode'; mode: number }
  /** Make the miner's configured pool number `pool` the active one (cgminer `switchpool`). */
  | { kind: 'pool'; pool: number }
  /**
   * Add a pool the miner does not have (cgminer `addpool`) and make it the active one. Added at
   * run time as cgminer does: a reboot returns the miner to its saved pools.
   */
  | { kind: 'add-pool'; url: string; user: string; password: string };

export function describeAction(a: ControlAction): string {
  switch (a.kind) {
    case 'soft-off':
      return 'soft off (stop hashing, stay powered)';
    case 'soft-on':
      return 'soft on (resume hashing)';
    case 'reboot':
      return 'reboot';
    case 'work-mode':
      return `work mode ${a.mode}`;
    case 'pool':
      return `switch to pool ${a.pool}`;
    case 'add-pool':
      return `add pool ${a.url} (${a.user}) and switch to it`;
  }
}

/**
 * What to send, Avalon's way (`ascset|0,<option>,<value>`), in order. Soft off/on are scheduled by unix time, so
 * "now". A-series firmware applies a new work mode only at the next reboot (Canaan A10 API manual
 * §2.4), so a work-mode change is the setting followed by a reboot.
 */
export function commandsFor(a: ControlAction, now: Date): { command: string; parameter: string }[] {
  const ts = Math.floor(now.getTime() / 1000);
  switch (a.kind) {
    case 'soft-off':
      return [{ command: 'ascset', parameter: `0,softoff,1:${ts}` }];
    case 'soft-on':
      return [{ command: 'ascset', parameter: `0,softon,1:${ts}` }];
    case 'reboot':
      return [{ command: 'ascset', parameter: '0,reboot,0' }];
    case 'work-mode':
      return [
        { command: 'ascset', parameter: `0,workmode,${a.mode}` },
        { command: 'ascset', parameter: '0,reboot,0' },
      ];
    case 'pool':
      return [{ command: 'switchpool', parameter: String(a.pool) }];
    case 'add-pool':
      // The switch needs the index the miner gives the new pool: control.ts reads it back and sends it.
      return [{ command: 'addpool', parameter: `${a.url},${a.user},${a.password}` }];
  }
}

/** The index the miner lists a pool under (the last one, should it list the same pool twice). */
export function poolIndexOf(
  t: NormalisedTelemetry | undefined,
  pool: { url: string; user: string },
): number | undefined {
  return t?.pools?.findLast((p) => p.url === pool.url && p.user === pool.user)?.index;
}

/** How long to keep reading a machine back before calling an effect unconfirmed. */
export function confirmWithinMs(a: ControlAction): number {
  // A work mode shows only once the machine is back from its reboot: Avalons take a minute or two.
  return a.kind === 'work-mode' ? 180_000 : 5_000;
}

/**
 * A read-back that broke (a short read, a reset, no answer) says nothing of what the machine did:
 * when the last one before the deadline broke, it is read again this many times, this far apart,
 * before the effect counts as unconfirmed. On a loaded rack one read-back can take the whole window.
 */
export const BROKEN_READ_RETRIES = 2;
export const BROKEN_READ_PAUSE_MS = 250;

/**
 * Writes that silently fail are among fleet operators' commonest complaints: an action only
 * counts as done when re-reading the machine shows its effect. `before` is the read just before
 * sending; `after` a read afterwards, or undefined when the machine did not answer.
 */
export function confirmEffect(
  a: ControlAction,
  before: NormalisedTelemetry | undefined,
  after: NormalisedTelemetry | undefined,
): { confirmed: boolean; detail: string } {
  if (a.kind === 'reboot') {
    if (!after) return { confirmed: true, detail: 'stopped answering: rebooting' };
    const was = before?.uptimeSeconds;
    const now = after.uptimeSeconds;
    if (was !== undefined && now !== undefined && now < was) {
      return { confirmed: true, detail: `uptime went from ${was} s to ${now} s` };
    }
    return { confirmed: false, detail: `uptime did not restart (${now ?? 'unknown'} s)` };
  }
  if (!after) return { confirmed: false, detail: 'did not answer the read-back' };
  switch (a.kind) {
    case 'soft-off': {
      const off = after.softOff === true || after.status === 'idle';
      return off
        ? { confirmed: true, detail: `idle, hashrate ${after.hashrateThs?.recent ?? 0} TH/s` }
        : { confirmed: false, detail: `still ${after.status ?? 'hashing'}` };
    }
    case 'soft-on': {
      const on = after.softOff !== true && after.status !== 'idle';
      return on
        ? { confirmed: true, detail: `hashing again (${after.status ?? 'status unknown'})` }
        : { confirmed: false, detail: 'still idle' };
    }
    case 'work-mode':
      return after.workMode === a.mode
        ? { confirmed: true, detail: `work mode is ${a.mode}` }
        : { confirmed: false, detail: `work mode reads ${after.workMode ?? 'nothing'}, not ${a.mode}` };
    case 'pool':
      return poolIsFirst(after, a.pool, `pool ${a.pool}`);
    case 'add-pool':
      return poolIsFirst(after, poolIndexOf(after, a), `${a.url} (${a.user})`);
  }
}

function poolIsFirst(
  after: NormalisedTelemetry,
  index: number | undefined,
  name: string,
): { confirmed: boolean; detail: string } {
  const pool = index === undefined ? undefined : after.pools?.find((p) => p.index === index);
  if (!pool) return { confirmed: false, detail: `the miner lists no ${name}` };
  const first = pool.active === true || pool.priority === 0;
  return first
    ? { confirmed: true, detail: `pool ${pool.index} (${pool.url}) is first` }
    : { confirmed: false, detail: `pool ${pool.index} has priority ${pool.priority ?? 'unknown'}` };
}

/** `status=overheating,site=SG1` as typed on the command line. */
export function parseFilterText(text: string, field = 'filter'): Record<string, string> {
  const out: Record<string, string> = {};
  for (const part of text.split(',')) {
    const [key, value, ...rest] = part.split('=');
    if (!key?.trim() || value === undefined || rest.length > 0 || !value.trim()) {
      throw invalid(
        field,
        `${field} must look like status=overheating or site=SG1,model=1246, got "${text}".`,
      );
    }
    out[key.trim()] = value.trim();
  }
  return out;
}
