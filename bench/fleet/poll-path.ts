/**
 * What one poll costs the poller's CPU, piece by piece, without a database: the client's request
 * (connect, send, read to the NUL, close) against healthy simulated A1246s in a process of their
 * own, beside the floor's bare round trip to the same miners; then decoding, normalising and
 * serialising one of their replies, in a loop with no socket. The sweep's CPU per poll is roughly
 * the client's figure plus the decode's and the store's; this isolates the first two, so that a
 * change to them can be judged in seconds on a loaded machine rather than in a 50,000-miner bench.
 * A third figure is the sweep's own pass of polls (`pollMachines`: workers, lanes, judging,
 * tallies) over the same miners with its batches dropped instead of written: the sweep's CPU per
 * poll less the database's part.
 *
 *   npx tsx bench/fleet/poll-path.ts [--miners 2000] [--polls 20000] [--concurrency 200] [--rounds 3]
 *     [--base 127.123.0.1]
 */
import { fork } from 'node:child_process';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import { ipToNumber, numberToIp } from '../../src/fleet/model.js';
import { MinerClient, type MinerResult } from '../../src/fleet/protocol/client.js';
import { decodeReply, jsonRequest } from '../../src/fleet/protocol/codec.js';
import { startSimulator } from '../../src/fleet/protocol/simulator.js';
import { normalise } from '../../src/fleet/protocol/telemetry.js';
import type { MachineToPoll } from '../../src/fleet/series-store.js';
import { POLL_COMMANDS, pollMachines } from '../../src/fleet/sweep.js';
import { roundTrip } from './floor.js';
import { loadAverage } from './run.js';

const REQUEST = jsonRequest(POLL_COMMANDS);

/** The simulator's side: `--serve BASE COUNT`, healthy miners, says "ready" and waits. */
async function serve(base: string, count: number): Promise<void> {
  await startSimulator({ count, base, seed: 'poll-path' });
  process.send?.('ready');
}

/** The floor's bare round trip (floor.ts) to the same miners: any reply read to the close will do. */
const bare = async (host: string) => (await roundTrip(host, REQUEST)) > 0;

/** `polls` requests over the miners, `concurrency` at a time; CPU ms a poll and failures. */
async function run(
  hosts: string[],
  polls: number,
  concurrency: number,
  one: (host: string) => Promise<boolean>,
): Promise<{ cpuMsPerPoll: number; seconds: number; failed: number }> {
  let next = 0;
  let failed = 0;
  const cpu = process.cpuUsage();
  const t0 = performance.now();
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next < polls) if (!(await one(hosts[next++ % hosts.length]!))) failed++;
    }),
  );
  const used = process.cpuUsage(cpu);
  return {
    cpuMsPerPoll: (used.user + used.system) / 1000 / polls,
    seconds: (performance.now() - t0) / 1000,
    failed,
  };
}

/**
 * One pass of the sweep's polling over `polls` machines (the miners again and again, each known by
 * the DNA it answered with), judged and tallied as a sweep does, its batches dropped: CPU ms a poll
 * and failures.
 */
async function pass(
  client: MinerClient,
  dnas: Map<string, string>,
  polls: number,
  concurrency: number,
): Promise<{ cpuMsPerPoll: number; seconds: number; failed: number }> {
  const hosts = [...dnas.keys()];
  const machine = (i: number): MachineToPoll => ({
    id: i + 1,
    site: 'BENCH',
    address: hosts[i % hosts.length]!,
    port: 4028,
    serial: `bench-${i}`,
    dna: dnas.get(hosts[i % hosts.length]!)!,
    mac: null,
    model: null,
    status: 'ok',
    failures: 0,
    lastGoodThs: null,
  });
  let next = 0;
  const cpu = process.cpuUsage();
  const t0 = performance.now();
  const r = await pollMachines({
    client,
    scope: 'poll-path',
    rest: async () => (next < polls ? machine(next++) : undefined),
    stragglers: async () => undefined,
    total: polls,
    offlineAfter: 3,
    concurrency,
    write: async () => {},
  });
  const used = process.cpuUsage(cpu);
  return {
    cpuMsPerPoll: (used.user + used.system) / 1000 / polls,
    seconds: (performance.now() - t0) / 1000,
    failed: r.done - r.answered,
  };
}

/** Decode + normalise + serialise one reply `times` times: CPU ms each. */
function decodeCost(raw: Buffer, times: number): number {
  const cpu = process.cpuUsage();
  for (let i = 0; i < times; i++) {
    const decoded = decodeReply(raw);
    JSON.stringify(normalise(decoded));
  }
  const used = process.cpuUsage(cpu);
  return (used.user + used.system) / 1000 / times;
}

async function main(): Promise<boolean> {
  const { values, positionals } = parseArgs({
    options: {
      serve: { type: 'string' },
      miners: { type: 'string', default: '2000' },
      polls: { type: 'string', default: '20000' },
      concurrency: { type: 'string', default: '200' },
      rounds: { type: 'string', default: '3' },
      base: { type: 'string', default: '127.123.0.1' },
    },
    allowPositionals: true,
  });
  if (values.serve !== undefined) {
    await serve(values.serve, Number(positionals[0]));
    return false;
  }
  const miners = Number(values.miners);
  const polls = Number(values.polls);
  const concurrency = Number(values.concurrency);
  const first = ipToNumber(values.base);
  const hosts = Array.from({ length: miners }, (_, i) => numberToIp(first + i));
  const server = fork(fileURLToPath(import.meta.url), ['--serve', values.base, String(miners)], {
    execArgv: process.execArgv,
    stdio: ['ignore', 'ignore', 'inherit', 'ipc'],
  });
  await new Promise((resolve) => server.once('message', resolve));
  try {
    // The sweep's client as the bench builds it: 200 in flight, learned waits on.
    const client = new MinerClient({ concurrency, connectTimeoutMs: 2000, readTimeoutMs: 5000, retries: 1 });
    let sample: MinerResult | undefined;
    const dnas = new Map<string, string>();
    const viaClient = async (host: string) => {
      const r = await client.request({ host, port: 4028 }, REQUEST, { lane: 'main', learn: true });
      sample ??= r.ok ? r : undefined;
      if (r.ok && !dnas.has(host)) dnas.set(host, normalise(r).dna ?? '');
      return r.ok;
    };
    await run(hosts, Math.min(polls, 2000), concurrency, viaClient); // warm up the JIT and the learned waits
    for (let round = 1; round <= Number(values.rounds); round++) {
      const floor = await run(hosts, polls, concurrency, bare);
      const ours = await run(hosts, polls, concurrency, viaClient);
      const swept = await pass(client, dnas, polls, concurrency);
      const fmt = (r: { cpuMsPerPoll: number; seconds: number; failed: number }) =>
        `${r.cpuMsPerPoll.toFixed(3)} ms CPU a poll (${r.seconds.toFixed(2)} s${r.failed ? `, ${r.failed} failed` : ''})`;
      console.log(
        `round ${round}: bare ${fmt(floor)}; client ${fmt(ours)}; ratio ${(ours.cpuMsPerPoll / floor.cpuMsPerPoll).toFixed(2)}; ` +
          `sweep's pass, nothing written ${fmt(swept)}; ratio ${(swept.cpuMsPerPoll / floor.cpuMsPerPoll).toFixed(2)}; load ${loadAverage()}`,
      );
    }
    if (sample?.ok) {
      console.log(
        `decode+normalise+serialise of one ${sample.raw.length}-byte reply: ${decodeCost(sample.raw, 5000).toFixed(3)} ms CPU`,
      );
    }
  } finally {
    server.kill('SIGTERM');
  }
  return true;
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  // The simulator's process stays until killed; the measuring one exits once it has printed.
  if (await main()) process.exit(0);
}
