/**
 * What this machine's loopback TCP costs before HashForge does anything: the same number of
 * one-request connections as a sweep (connect, send the poll request, read a reply as long as a
 * simulated A1246's, close), answered by bare listeners in their own processes, with nothing
 * parsed, judged or stored. A sweep can't be faster than this on the same cores, so the bench
 * prints it beside the sweep figures to show how much of a sweep is the network's and how much ours.
 *
 *   npx tsx bench/fleet/floor.ts [--count 50000] [--concurrency 500] [--base 127.110.0.1]
 */
import { fork } from 'node:child_process';
import { connect, createServer } from 'node:net';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import { ipToNumber, numberToIp } from '../../src/fleet/model.js';
import { jsonRequest } from '../../src/fleet/protocol/codec.js';
import { maxMinersPerProcess } from '../../src/fleet/protocol/simulator.js';
import { POLL_COMMANDS } from '../../src/fleet/sweep.js';

/** Its own /16 by default, away from the simulator's and every test's addresses. */
export const FLOOR_BASE = '127.110.0.1';
/** About the size of a simulated A1246's `summary+estats+pools` reply, NUL included. */
const REPLY_BYTES = 5400;

export interface Floor {
  count: number;
  seconds: number;
  clientCpuSeconds: number;
  serverCpuSeconds: number;
  failed: number;
}

/** A listener process: `--serve FIRST COUNT`, answers every connection with REPLY_BYTES bytes. */
async function serve(first: number, count: number): Promise<void> {
  const reply = Buffer.alloc(REPLY_BYTES, 'x');
  reply[REPLY_BYTES - 1] = 0;
  let listening = 0;
  for (let i = 0; i < count; i++) {
    const server = createServer((socket) => {
      socket.on('error', () => {});
      socket.once('data', () => socket.end(reply));
    });
    server.listen({ host: numberToIp(first + i), port: 4028, backlog: 128 }, () => {
      if (++listening === count) process.send?.('ready');
    });
  }
  process.on('message', () => {
    const cpu = process.cpuUsage();
    process.send?.((cpu.user + cpu.system) / 1e6, () => process.exit(0));
  });
}

/** One bare round trip: the bytes of the reply read to the listener's close, or -1 if it failed. */
export function roundTrip(host: string, request: string): Promise<number> {
  return new Promise((resolve) => {
    let bytes = 0;
    const socket = connect({ host, port: 4028 });
    const timer = setTimeout(() => socket.destroy(new Error('timeout')), 5000);
    socket.once('connect', () => socket.write(request));
    socket.on('data', (chunk: Buffer) => {
      bytes += chunk.length;
    });
    socket.once('end', () => {
      clearTimeout(timer);
      socket.destroy();
      resolve(bytes);
    });
    socket.once('error', () => {
      clearTimeout(timer);
      resolve(-1);
    });
  });
}

export async function measureFloor(count: number, concurrency: number, base = FLOOR_BASE): Promise<Floor> {
  const first = ipToNumber(base);
  const per = maxMinersPerProcess();
  const self = fileURLToPath(import.meta.url);
  const servers = Array.from({ length: Math.ceil(count / per) }, (_, k) =>
    fork(self, ['--serve', String(first + k * per), String(Math.min(per, count - k * per))], {
      execArgv: process.execArgv,
      stdio: ['ignore', 'ignore', 'inherit', 'ipc'],
    }),
  );
  await Promise.all(servers.map((s) => new Promise((resolve) => s.once('message', resolve))));
  const request = jsonRequest(POLL_COMMANDS);
  const cpu0 = process.cpuUsage();
  const t0 = performance.now();
  let next = 0;
  let failed = 0;
  await Promise.all(
    Array.from({ length: Math.min(concurrency, count) }, async () => {
      while (next < count)
        if ((await roundTrip(numberToIp(first + next++), request)) !== REPLY_BYTES) failed++;
    }),
  );
  const seconds = (performance.now() - t0) / 1000;
  const cpu = process.cpuUsage(cpu0);
  const serverCpu = await Promise.all(
    servers.map(
      (s) =>
        new Promise<number>((resolve) => {
          s.once('message', (m) => resolve(Number(m)));
          s.send('cpu');
        }),
    ),
  );
  return {
    count,
    seconds,
    clientCpuSeconds: (cpu.user + cpu.system) / 1e6,
    serverCpuSeconds: serverCpu.reduce((a, b) => a + b, 0),
    failed,
  };
}

export function describeFloor(f: Floor): string {
  return (
    `  loopback floor: ${f.count.toLocaleString('en-US')} bare connect–request–reply–close round trips in ` +
    `${f.seconds.toFixed(2)} s (client CPU ${f.clientCpuSeconds.toFixed(2)} s, listeners ${f.serverCpuSeconds.toFixed(2)} s` +
    `${f.failed > 0 ? `, ${f.failed} failed` : ''}), nothing parsed or stored`
  );
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const { values, positionals } = parseArgs({
    options: {
      serve: { type: 'string' },
      count: { type: 'string', default: '50000' },
      concurrency: { type: 'string', default: '500' },
      base: { type: 'string', default: FLOOR_BASE },
    },
    allowPositionals: true,
  });
  if (values.serve !== undefined) {
    await serve(Number(values.serve), Number(positionals[0]));
  } else {
    console.log(
      describeFloor(await measureFloor(Number(values.count), Number(values.concurrency), values.base)),
    );
  }
}
