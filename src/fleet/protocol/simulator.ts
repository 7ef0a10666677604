/**
 * A fleet of simulated Avalon miners on loopback: each on its own 127.x.y.z address (Linux routes
 * all of 127/8 to `lo`, so no setup is needed) or all on one address over a port range. They speak
 * the real API (simulator-replies.ts), drift over time, carry injected faults, and obey control —
 * privileged commands only from a `W:` source address, as cgminer's `--api-allow` does.
 *
 * One process holds one listening socket per miner, so a process can serve about as many miners
 * as it may open files (20,000 here); simulator-main.ts spreads larger fleets over processes.
 */
import { readFileSync } from 'node:fs';
import { createServer, type Server, type Socket } from 'node:net';
import { AppError, invalid } from '../../kernel/errors.js';
import { hostileBody, sendHostile } from './simulator-hostile.js';
import {
  completeReboot,
  createMiner,
  FAULTS,
  type Fault,
  HOSTILE_FAULTS,
  type HostileFault,
  isSoftOff,
  type MinerState,
  MODELS,
  type ModelCode,
  settle,
} from './simulator-models.js';
import { type Response, respond } from './simulator-replies.js';

export {
  ALL_FAULTS,
  FAULTS,
  type Fault,
  HOSTILE_FAULTS,
  MODELS,
  type ModelCode,
} from './simulator-models.js';

export interface SimulatorOptions {
  count: number;
  /** First miner's address; the next miners count up from it. */
  base?: string;
  port?: number;
  /** Put every miner on `base`, on ports `portRange`, `portRange + 1`, … */
  portRange?: number;
  model?: ModelCode;
  /** Share of miners (0–1) that start with a fault, drawn from `faults`. */
  faultRate?: number;
  faults?: readonly Fault[];
  seed?: number | string;
  /** Source addresses allowed privileged commands, cgminer style: `W:127.0.0.2,10.0.0.0/8`. */
  writeAllow?: string;
  /** How long a reboot keeps the miner offline. */
  rebootSeconds?: number;
  /** How long a miner with the `slow` fault waits before answering. */
  slowMs?: number;
  /**
   * Requests a miner with a hostile fault answers truly before it turns (1: the scan's `version`
   * identifies it, then it misbehaves), so that hostile miners can be registered and then polled.
   */
  hostileAfter?: number;
  /** Global index of the first miner here (set by simulator-main when it shards a fleet). */
  indexOffset?: number;
  /** Listeners bound at once. */
  bindConcurrency?: number;
  onProgress?: (bound: number, total: number) => void;
  /** Clock for the miners' figures, in ms (tests pin it). Timers still run in real time. */
  now?: () => number;
}

export interface SimulatedMiner {
  index: number;
  address: string;
  host: string;
  port: number;
  model: ModelCode;
  mac: string;
  dna: string;
  fault: Fault | null;
}

export interface MinerControlState {
  online: boolean;
  softOff: boolean;
  workMode: number;
  pendingWorkMode?: number;
  workLevel: number;
  poolOrder: number[];
  pools: { url: string; user: string }[];
}

export interface Simulator {
  readonly miners: readonly SimulatedMiner[];
  readonly addresses: readonly string[];
  setFault(address: string, fault: Fault | null): Promise<void>;
  control(address: string): MinerControlState;
  stats(): { requests: number; deniedWrites: number; openConnections: number };
  stop(): Promise<void>;
}

export function ipToInt(ip: string): number {
  const parts = ip.split('.').map(Number);
  if (parts.length !== 4 || parts.some((p) => !Number.isInteger(p) || p < 0 || p > 255)) {
    throw invalid('base', `base must be an IPv4 address such as 127.91.0.1, got "${ip}".`);
  }
  return ((parts[0]! << 24) | (parts[1]! << 16) | (parts[2]! << 8) | parts[3]!) >>> 0;
}

export function intToIp(n: number): string {
  return [n >>> 24, (n >>> 16) & 255, (n >>> 8) & 255, n & 255].join('.');
}

/** cgminer `--api-allow` syntax, keeping only the `W:` entries (write access); bare entries read. */
export function parseWriteAllow(spec: string): (ip: string) => boolean {
  const entries = spec
    .split(',')
    .map((s) => s.trim())
    .filter((s) => s !== '')
    .map((entry) => {
      const text = entry.replace(/^[A-Za-z]:/, '');
      const [ip, bits] = text.split('/');
      const prefix = bits === undefined ? 32 : Number(bits);
      if (!Number.isInteger(prefix) || prefix < 0 || prefix > 32) {
        throw invalid('writeAllow', `"${entry}" is not an address or address/prefix.`);
      }
      const mask = prefix === 0 ? 0 : (0xffffffff << (32 - prefix)) >>> 0;
      return { net: (ipToInt(ip!) & mask) >>> 0, mask };
    });
  return (ip: string) => {
    const v4 = ip.replace(/^::ffff:/, '');
    if (!/^\d+\.\d+\.\d+\.\d+$/.test(v4)) return false;
    const n = ipToInt(v4);
    return entries.some((e) => (n & e.mask) >>> 0 === e.net);
  };
}

/** How many files this process may open (`ulimit -n`), from /proc on Linux. */
export function openFileLimit(): number {
  try {
    const line = readFileSync('/proc/self/limits', 'utf8')
      .split('\n')
      .find((l) => l.startsWith('Max open files'));
    const soft = Number(line?.split(/\s{2,}/)[1]);
    return Number.isFinite(soft) && soft > 0 ? soft : 1024;
  } catch {
    return 1024;
  }
}

/** Listeners one process can hold, leaving room for accepted connections and the runtime. */
export function maxMinersPerProcess(): number {
  return Math.max(64, openFileLimit() - 2048);
}

interface Slot {
  info: SimulatedMiner;
  state: MinerState;
  server: Server;
  listening: boolean;
  sequence: number;
  /** A hostile fault held back until the miner has answered `hostileAfter` requests. */
  dormant?: Fault;
}

export async function startSimulator(options: SimulatorOptions): Promise<Simulator> {
  const count = options.count;
  if (!Number.isInteger(count) || count < 1)
    throw invalid('count', `count must be a whole number of miners, got ${count}.`);
  const capacity = maxMinersPerProcess();
  if (count > capacity) {
    throw new AppError(
      'invalid',
      'fleet.simulator.too-many',
      `One process can hold about ${capacity} miners (open-file limit ${openFileLimit()}); run simulator-main, which spreads ${count} over several processes.`,
      'count',
    );
  }
  const model = options.model ?? 'A1246';
  const spec = MODELS[model];
  if (!spec)
    throw invalid('model', `model must be one of ${Object.keys(MODELS).join(', ')}, got "${model}".`);
  const now = options.now ?? Date.now;
  const port = options.port ?? 4028;
  const base = ipToInt(options.base ?? '127.91.0.1');
  const offset = options.indexOffset ?? 0;
  const faults = options.faults ?? FAULTS;
  const canWrite = parseWriteAllow(options.writeAllow ?? '127.0.0.0/8');
  const rebootMs = (options.rebootSeconds ?? 30) * 1000;
  const slowMs = options.slowMs ?? 4000;
  const hostileAfter = options.hostileAfter ?? 0;
  const fleet = {
    seed: String(options.seed ?? 1),
    spec,
    faultRate: options.faultRate ?? 0,
    faults,
    startedAt: now(),
  };

  const timers = new Set<NodeJS.Timeout>();
  const sockets = new Set<Socket>();
  let requests = 0;
  let deniedWrites = 0;
  let stopped = false;
  const later = (ms: number, fn: () => void) => {
    const t = setTimeout(() => {
      timers.delete(t);
      if (!stopped) fn();
    }, ms);
    timers.add(t);
  };

  const listen = (slot: Slot) =>
    new Promise<void>((resolve, reject) => {
      const onError = (error: Error) => reject(error);
      slot.server.once('error', onError);
      slot.server.listen({ port: slot.info.port, host: slot.info.host, backlog: 128 }, () => {
        slot.server.off('error', onError);
        slot.listening = true;
        resolve();
      });
    });
  const unlisten = (slot: Slot) => {
    if (!slot.listening) return;
    slot.listening = false;
    slot.server.close();
  };
  const relisten = (slot: Slot) => {
    if (slot.listening || stopped) return;
    listen(slot).catch(() => {
      // The address was taken while this miner was down; it stays offline.
    });
  };

  const reboot = (slot: Slot, afterSeconds: number) => {
    later(afterSeconds * 1000, () => {
      slot.state.rebootUntil = now() + rebootMs;
      unlisten(slot);
      later(rebootMs, () => {
        completeReboot(slot.state, now());
        if (slot.state.fault !== 'offline') relisten(slot);
      });
    });
  };

  /** Sends a miner's answer as its fault has it, then carries out a reboot the request asked for. */
  const answer = (slot: Slot, socket: Socket, response: Response, fault: Fault | null) => {
    if (socket.destroyed) return;
    const body = hostileBody(fault) ?? response.body;
    if (sendHostile(socket, fault, body, later)) return;
    socket.end(body);
    if (response.rebootAfter !== undefined) reboot(slot, response.rebootAfter);
  };

  const handle = (slot: Slot, socket: Socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
    socket.on('error', () => {});
    // cgminer gives a client 10 s to send its request (Nano3s api.c).
    socket.setTimeout(10_000, () => socket.destroy());
    socket.once('data', (chunk: Buffer) => {
      requests++;
      const response = respond(slot.state, chunk, {
        now: now(),
        peer: socket,
        canWrite,
        sequence: slot.sequence++,
      });
      if (response.denied) deniedWrites++;
      // This answer is sent as the miner is now; a dormant fault shows from the next one on.
      const fault = slot.state.fault;
      if (slot.dormant !== undefined && slot.sequence >= hostileAfter) {
        slot.state.fault = slot.dormant;
        slot.dormant = undefined;
      }
      if (fault === 'slow') later(slowMs, () => answer(slot, socket, response, fault));
      else answer(slot, socket, response, fault);
    });
  };

  const slots: Slot[] = [];
  for (let i = 0; i < count; i++) {
    const index = offset + i;
    const host = options.portRange === undefined ? intToIp(base + index) : intToIp(base);
    if (!host.startsWith('127.'))
      throw invalid('count', `miner ${index} would be at ${host}, outside 127.0.0.0/8.`);
    const minerPort = options.portRange === undefined ? port : options.portRange + index;
    if (minerPort > 65535)
      throw invalid('portRange', `miner ${index} would need port ${minerPort}, above 65535.`);
    const state = createMiner(index, fleet);
    const info: SimulatedMiner = {
      index,
      address: `${host}:${minerPort}`,
      host,
      port: minerPort,
      model,
      mac: state.mac,
      dna: state.dna,
      fault: state.fault,
    };
    const slot: Slot = { info, state, server: createServer(), listening: false, sequence: 0 };
    if (hostileAfter > 0 && state.fault !== null && HOSTILE_FAULTS.includes(state.fault as HostileFault)) {
      slot.dormant = state.fault;
      state.fault = null;
    }
    slot.server.on('connection', (socket) => handle(slot, socket));
    slot.server.on('error', () => {});
    slots.push(slot);
  }
  const byAddress = new Map(slots.map((s) => [s.info.address, s]));

  const stop = async () => {
    stopped = true;
    for (const t of timers) clearTimeout(t);
    timers.clear();
    for (const s of sockets) s.destroy();
    await Promise.all(
      slots
        .filter((s) => s.listening)
        .map((s) => new Promise<void>((resolve) => s.server.close(() => resolve()))),
    );
    for (const s of slots) s.listening = false;
  };

  // Bind in batches, reporting progress; offline miners are simply not listening.
  const concurrency = options.bindConcurrency ?? 256;
  let next = 0;
  let bound = 0;
  const worker = async () => {
    while (next < slots.length) {
      const slot = slots[next++]!;
      if (slot.state.fault !== 'offline') await listen(slot);
      bound++;
      if (options.onProgress && (bound % 1000 === 0 || bound === slots.length))
        options.onProgress(bound, slots.length);
    }
  };
  try {
    await Promise.all(Array.from({ length: Math.min(concurrency, slots.length) }, worker));
  } catch (error) {
    await stop();
    const code = (error as NodeJS.ErrnoException).code;
    throw new AppError(
      'unavailable',
      'fleet.simulator.bind',
      `Could not listen on every simulated miner's address (${code ?? String(error)}); another process may hold one of them.`,
      'base',
    );
  }

  const slotFor = (address: string) => {
    const slot = byAddress.get(address.includes(':') ? address : `${address}:${port}`);
    if (!slot) throw invalid('address', `No simulated miner at ${address}.`);
    return slot;
  };

  return {
    miners: slots.map((s) => s.info),
    addresses: slots.map((s) => s.info.address),
    async setFault(address, fault) {
      const slot = slotFor(address);
      slot.state.fault = fault;
      slot.info.fault = fault;
      if (fault === 'offline') unlisten(slot);
      else if (!slot.listening && slot.state.rebootUntil === undefined) await listen(slot);
    },
    control(address) {
      const { state, listening } = slotFor(address);
      settle(state, now());
      const control: MinerControlState = {
        online: listening,
        softOff: isSoftOff(state, now()),
        workMode: state.workMode,
        workLevel: state.workLevel,
        poolOrder: [...state.poolOrder],
        pools: state.pools.map((p) => ({ ...p })),
      };
      if (state.pendingWorkMode !== undefined) control.pendingWorkMode = state.pendingWorkMode;
      return control;
    },
    stats: () => ({ requests, deniedWrites, openConnections: sockets.size }),
    stop,
  };
}
