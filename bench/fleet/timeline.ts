/**
 * What sets a sweep's length: every poll's start and end (from the sweep's start), the lane it was
 * asked in and how it ended, and the client's lanes sampled every 100 ms (main slots in use,
 * requests waiting for one, straggler slots in use). The hostile bench prints them per kind of
 * miner: which kind ends last, and who holds the slots while it does.
 */
import type { MinerClient } from '../../src/fleet/protocol/client.js';

export interface PollSpan {
  address: string;
  /** `main+learn` (a learned wait), `main` (the read deadline), `straggler` (the read deadline and the grace). */
  lane: string;
  startMs: number;
  endMs: number;
  /** `ok`, or the client's failure kind. */
  result: string;
}

export interface LaneSample {
  atMs: number;
  main: number;
  waiting: number;
  stragglers: number;
}

export interface SweepTimeline {
  polls: PollSpan[];
  lanes: LaneSample[];
}

/** Records every request `client` sends between `start()` and `stop()`. */
export function recordPolls(client: MinerClient): { start(): void; stop(): SweepTimeline } {
  const send = client.request.bind(client);
  let t0 = 0;
  let current: SweepTimeline = { polls: [], lanes: [] };
  let sampler: NodeJS.Timeout | undefined;
  client.request = (address, request, options = {}) => {
    const startMs = performance.now() - t0;
    const lane = `${options.lane ?? 'main'}${options.learn ? '+learn' : ''}`;
    const polls = current.polls;
    return send(address, request, options).then((r) => {
      const host = typeof address === 'string' ? address.split(':')[0]! : address.host;
      polls.push({
        address: host,
        lane,
        startMs: Math.round(startMs),
        endMs: Math.round(performance.now() - t0),
        result: r.ok ? 'ok' : r.failure,
      });
      return r;
    });
  };
  return {
    start() {
      current = { polls: [], lanes: [] };
      t0 = performance.now();
      const lanes = current.lanes;
      sampler = setInterval(() => {
        const { inFlight, waiting, stragglers } = client.load;
        lanes.push({ atMs: Math.round(performance.now() - t0), main: inFlight, waiting, stragglers });
      }, 100);
    },
    stop() {
      clearInterval(sampler);
      return current;
    },
  };
}

const pct = (sorted: number[], p: number) =>
  sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))] ?? 0;
const s1 = (ms: number) => (ms / 1000).toFixed(1);

/**
 * Per kind of miner: polls, lanes, results, duration p50/p90/max and when its last poll ended; then
 * the lanes' occupancy each second. `kindOf` names a miner's kind by its address.
 */
export function describeTimeline(t: SweepTimeline, kindOf: (address: string) => string): string {
  const byKind = new Map<string, PollSpan[]>();
  for (const p of t.polls) {
    const kind = kindOf(p.address);
    byKind.set(kind, [...(byKind.get(kind) ?? []), p]);
  }
  const count = (spans: PollSpan[], key: (p: PollSpan) => string) => {
    const n = new Map<string, number>();
    for (const p of spans) n.set(key(p), (n.get(key(p)) ?? 0) + 1);
    return [...n.entries()].map(([k, v]) => `${k} ${v}`).join(', ');
  };
  const lines = [...byKind.entries()]
    .sort((a, b) => Math.max(...b[1].map((p) => p.endMs)) - Math.max(...a[1].map((p) => p.endMs)))
    .map(([kind, spans]) => {
      const d = spans.map((p) => p.endMs - p.startMs).sort((a, b) => a - b);
      const starts = spans.map((p) => p.startMs).sort((a, b) => a - b);
      return (
        `      ${kind.padEnd(16)} ${String(spans.length).padStart(5)} polls; started ${s1(starts[0]!)}–${s1(starts.at(-1)!)} s, ` +
        `took p50 ${pct(d, 0.5)} p90 ${pct(d, 0.9)} max ${d.at(-1)} ms, last ended ${s1(Math.max(...spans.map((p) => p.endMs)))} s; ` +
        `${count(spans, (p) => p.lane)}; ${count(spans, (p) => p.result)}`
      );
    });
  const perSecond = t.lanes.filter((_, i) => i % 10 === 9);
  lines.push(
    `      lanes each second (main in use/waiting/straggler in use): ${perSecond.map((l) => `${l.main}/${l.waiting}/${l.stragglers}`).join(' ')}`,
  );
  return lines.join('\n');
}
