/**
 * `fleet scan`: find miners in an address range and register them at a site. Two stages, as the
 * tools that scan big farms learned (github.com/256foundation/asic-rs/issues/319): a cheap TCP
 * connect probe at high
 * concurrency, then `version` (identity, model, firmware) only where something listens.
 */
import type { Actor, AppContext } from '../app/context.js';
import { requireRegisteredSite } from '../mining/registry.js';
import type { MachinesChanged, MachinesRegistered } from './events.js';
import { addressesOf, addressIdentity, type Identity, identityOf, parseRange } from './model.js';
import { pollerHeap } from './poller-heap.js';
import { probeOpen } from './probe.js';
import { recordFleet } from './projections.js';
import type { MinerClient, MinerResult } from './protocol/client.js';
import { normalise } from './protocol/telemetry.js';
import type { ScanInput } from './schemas.js';
import {
  highestMachineId,
  type MachineChangeFact,
  type MachineRow,
  machinesByIdentity,
  type NewMachineFact,
} from './store.js';

export interface ScanProgress {
  stage: 'probe' | 'identify' | 'register';
  done: number;
  total: number;
}

export interface ScanResult {
  range: string;
  site: string;
  port: number;
  addresses: number;
  listening: number;
  identified: number;
  registered: { id: number; serial: string; address: string; model?: string }[];
  changed: { id: number; serial: string; changes: MachineChangeFact['changes'] }[];
  unchanged: number;
  failed: { address: string; reason: string }[];
  /** Registered, but with something operations should know (known by address only). */
  warnings: { address: string; warning: string }[];
  seconds: number;
  /** Where the time went: connect probe, `version` identification, ledger registration. */
  stageSeconds: { probe: number; identify: number; register: number };
}

/** Registrations go into the ledger in events of at most this many machines. */
const EVENT_CHUNK = 1000;
const PROBE_TIMEOUT_MS = 1000;
/** `version` requests in flight during a scan: far fewer than connect probes, each is a real command. */
const IDENTIFY_CONCURRENCY = 500;

async function inPool<T>(items: T[], size: number, work: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  const worker = async () => {
    while (next < items.length) await work(items[next++]!);
  };
  await Promise.all(Array.from({ length: Math.min(size, items.length) }, worker));
}

interface Found extends Identity {
  address: string;
}

/**
 * Probes a range, asks every listener who it is and registers what it finds. It runs under the
 * poller's heap growth like a pass of polls (poller-heap.ts): thousands of identifications waiting
 * for a slot promote garbage the same way, and the old generation's limit set during the scan still
 * holds when the first sweep after it starts.
 */
export function scanRange(
  ctx: AppContext,
  actor: Actor,
  input: ScanInput,
  opts: { client?: MinerClient; onProgress?: (p: ScanProgress) => void } = {},
): Promise<ScanResult> {
  return pollerHeap.during(() => scan(ctx, actor, input, opts));
}

async function scan(
  ctx: AppContext,
  actor: Actor,
  input: ScanInput,
  opts: { client?: MinerClient; onProgress?: (p: ScanProgress) => void },
): Promise<ScanResult> {
  const range = parseRange(input.range);
  await requireRegisteredSite(ctx.db, input.site);
  const client = opts.client ?? ctx.miners;
  const started = performance.now();
  const say = opts.onProgress ?? (() => {});

  const listening = await probeOpen(addressesOf(range), {
    port: input.port,
    concurrency: input.concurrency ?? 1000,
    timeoutMs: PROBE_TIMEOUT_MS,
    onProgress: (done) => say({ stage: 'probe', done, total: range.count }),
  });

  const probed = performance.now();
  const failed: ScanResult['failed'] = [];
  const found: Found[] = [];
  let identified = 0;
  const warnings: ScanResult['warnings'] = [];
  const identify = async (address: string): Promise<MinerResult> => {
    const at = { host: address, port: input.port };
    const reply = await client.command(at, 'version');
    if (!reply.ok) return reply;
    let identity = identityOf(normalise(reply));
    if (!identity) {
      // A stock cgminer or an Antminer names no DNA or MAC in `version`: `stats` may (an Avalon
      // module's DNA, an Antminer's miner_id). A miner that states none anywhere is known by its
      // address, which DHCP may give to another machine: registered, with a warning.
      const stats = await client.command(at, 'stats');
      identity = identityOf(normalise(stats.ok ? [reply, stats] : [reply]));
      if (!identity) {
        identity = addressIdentity(normalise(reply), address, input.port);
        warnings.push({
          address,
          warning:
            'names no DNA, MAC or serial in version or stats: known by its address, so a DHCP change will look like another machine',
        });
      }
    }
    found.push({ ...identity, address });
    return reply;
  };
  const count = () => say({ stage: 'identify', done: ++identified, total: listening.length });
  // Busy miners time out under a fast scan; one more try, a few at a time, recovers them.
  const retry: string[] = [];
  await inPool(listening, IDENTIFY_CONCURRENCY, async (address) => {
    const reply = await identify(address);
    if (!reply.ok && reply.failure !== 'malformed' && reply.failure !== 'too-large') retry.push(address);
    else {
      if (!reply.ok) failed.push({ address, reason: reply.message });
      count();
    }
  });
  await inPool(retry, IDENTIFY_CONCURRENCY / 10, async (address) => {
    const reply = await identify(address);
    if (!reply.ok) failed.push({ address, reason: reply.message });
    count();
  });
  const identifiedAt = performance.now();
  // Addresses in order, so ids follow the address plan and results read naturally.
  found.sort((a, b) => compareAddresses(a.address, b.address));
  const unique = dropRepeatedIdentities(found, failed);

  const result: ScanResult = {
    range: range.text,
    site: input.site,
    port: input.port,
    addresses: range.count,
    listening: listening.length,
    identified: unique.length,
    registered: [],
    changed: [],
    unchanged: 0,
    failed,
    warnings,
    seconds: 0,
    stageSeconds: { probe: 0, identify: 0, register: 0 },
  };
  for (let i = 0; i < unique.length; i += EVENT_CHUNK) {
    const chunk = unique.slice(i, i + EVENT_CHUNK);
    await registerChunk(ctx, actor, input, chunk, result);
    say({ stage: 'register', done: Math.min(i + EVENT_CHUNK, unique.length), total: unique.length });
  }
  failed.sort((a, b) => compareAddresses(a.address, b.address));
  const seconds = (from: number, to: number) => Math.round((to - from) / 10) / 100;
  const end = performance.now();
  result.seconds = seconds(started, end);
  result.stageSeconds = {
    probe: seconds(started, probed),
    identify: seconds(probed, identifiedAt),
    register: seconds(identifiedAt, end),
  };
  return result;
}

function compareAddresses(a: string, b: string): number {
  const pa = a.split('.').map(Number);
  const pb = b.split('.').map(Number);
  for (let i = 0; i < 4; i++) if (pa[i] !== pb[i]) return pa[i]! - pb[i]!;
  return 0;
}

/** Two addresses answering as one machine: keep the first, report the rest. */
function dropRepeatedIdentities(found: Found[], failed: ScanResult['failed']): Found[] {
  const seen = new Map<string, string>();
  return found.filter((f) => {
    const keys = [f.serial, f.dna, f.mac].filter((k): k is string => k !== undefined);
    const earlier = keys.map((k) => seen.get(k)).find((a) => a !== undefined);
    if (earlier) {
      failed.push({ address: f.address, reason: `answers as ${f.serial}, like ${earlier}; kept ${earlier}` });
      return false;
    }
    for (const k of keys) seen.set(k, f.address);
    return true;
  });
}

/** Matches a found machine to a registered one by DNA, then MAC, then serial; never by address. */
function match(f: Found, known: MachineRow[]): MachineRow | undefined {
  return (
    (f.dna ? known.find((k) => k.dna === f.dna) : undefined) ??
    (f.mac ? known.find((k) => k.mac === f.mac) : undefined) ??
    known.find((k) => k.serial === f.serial)
  );
}

function changesOf(f: Found, k: MachineRow, site: string, port: number): MachineChangeFact['changes'] {
  const c: MachineChangeFact['changes'] = {};
  if (k.address !== f.address) c.address = f.address;
  if (k.port !== port) c.port = port;
  if (k.site !== site) c.site = site;
  if (f.model && k.model !== f.model) c.model = f.model;
  if (f.firmware && k.firmware !== f.firmware) c.firmware = f.firmware;
  if (f.dna && !k.dna) c.dna = f.dna;
  if (f.mac && !k.mac) c.mac = f.mac;
  return c;
}

/**
 * New machines are one `fleet.machines-registered` event, known ones that moved or were upgraded
 * one `fleet.machines-changed`. Both decide under the registry's stream lock, so two scans running
 * at once cannot register one machine twice.
 */
async function registerChunk(
  ctx: AppContext,
  actor: Actor,
  input: ScanInput,
  chunk: Found[],
  result: ScanResult,
): Promise<void> {
  const stream = 'fleet-registry';
  const request = { range: input.range, site: input.site, port: input.port, found: chunk };
  const plan = async (db: AppContext['db']) => {
    const known = await machinesByIdentity(db, chunk);
    const fresh: Found[] = [];
    const moved: { row: MachineRow; changes: MachineChangeFact['changes'] }[] = [];
    let same = 0;
    for (const f of chunk) {
      const k = match(f, known);
      if (!k) fresh.push(f);
      else {
        const changes = changesOf(f, k, input.site, input.port);
        if (Object.keys(changes).length > 0) moved.push({ row: k, changes });
        else same++;
      }
    }
    return { fresh, moved, same };
  };
  const first = await plan(ctx.db);
  result.unchanged += first.same;
  if (first.fresh.length > 0) {
    const registered = await recordFleet(
      ctx,
      { actor, kind: 'fleet.machines-registered', stream, request: { ...request, step: 'register' } },
      async (tx) => {
        const { fresh } = await plan(tx);
        // Every registration holds the registry stream's lock, so the next ids are simply the
        // ones after the highest: one query for a thousand machines, not a counter bump each.
        let id = await highestMachineId(tx);
        const machines: NewMachineFact[] = fresh.map((f) => ({
          ...f,
          id: ++id,
          site: input.site,
          port: input.port,
        }));
        return { scan: input.range, machines } satisfies MachinesRegistered;
      },
      async (_tx, event) => event.payload.machines,
    );
    for (const m of registered) {
      result.registered.push({
        id: m.id,
        serial: m.serial,
        address: m.address,
        ...(m.model ? { model: m.model } : {}),
      });
    }
  }
  if (first.moved.length > 0) {
    const changed = await recordFleet(
      ctx,
      { actor, kind: 'fleet.machines-changed', stream, request: { ...request, step: 'change' } },
      async (tx) => {
        const { moved } = await plan(tx);
        return {
          reason: `scan of ${input.range} for site ${input.site}`,
          changes: moved.map((m) => ({ id: Number(m.row.id), changes: m.changes })),
        } satisfies MachinesChanged;
      },
      async (_tx, event) => event.payload.changes,
    );
    const serialOf = new Map(first.moved.map((m) => [Number(m.row.id), m.row.serial]));
    for (const c of changed)
      result.changed.push({ id: c.id, serial: serialOf.get(c.id) ?? '', changes: c.changes });
  }
}
