import { connect } from 'node:net';

export interface ProbeOptions {
  port: number;
  /** Connect attempts in flight at once: the probe's own limit, far above identification's. */
  concurrency: number;
  timeoutMs: number;
  onProgress?: (done: number) => void;
}

type Answer = 'open' | 'closed' | 'silent';

/**
 * The first stage of a scan: which addresses accept a TCP connection on the API port. A connect
 * costs the miner nothing (no command is sent), so it runs at a much higher concurrency than the
 * identification that follows: the two-stage scan proposed in asic-rs issue #319, after a /22 took
 * nmap 18 s and their one-stage scan 9 minutes. Addresses that stayed
 * silent (no accept, no refusal) are tried once more at a quarter of the concurrency and twice the
 * timeout: asic-rs found that fast scans miss busy miners and that such a retry recovers them.
 */
export async function probeOpen(addresses: Iterable<string>, opts: ProbeOptions): Promise<string[]> {
  const open: string[] = [];
  const silent: string[] = [];
  let done = 0;
  const count = () => opts.onProgress?.(++done);
  await probeAll(addresses, opts.concurrency, opts.timeoutMs, opts.port, (address, answer) => {
    if (answer === 'silent') return silent.push(address);
    if (answer === 'open') open.push(address);
    count();
  });
  const retryConcurrency = Math.max(1, Math.floor(opts.concurrency / 4));
  await probeAll(silent, retryConcurrency, opts.timeoutMs * 2, opts.port, (address, answer) => {
    if (answer === 'open') open.push(address);
    count();
  });
  return open;
}

async function probeAll(
  addresses: Iterable<string>,
  concurrency: number,
  timeoutMs: number,
  port: number,
  seen: (address: string, answer: Answer) => void,
): Promise<void> {
  const iterator = addresses[Symbol.iterator]();
  const worker = async () => {
    for (let next = iterator.next(); !next.done; next = iterator.next()) {
      seen(next.value, await knock(next.value, port, timeoutMs));
    }
  };
  await Promise.all(Array.from({ length: concurrency }, worker));
}

function knock(host: string, port: number, timeoutMs: number): Promise<Answer> {
  return new Promise((resolve) => {
    const socket = connect({ host, port });
    const finish = (answer: Answer) => {
      clearTimeout(timer);
      socket.removeAllListeners();
      socket.on('error', () => {});
      socket.destroy();
      resolve(answer);
    };
    const timer = setTimeout(() => finish('silent'), timeoutMs);
    socket.once('connect', () => finish('open'));
    socket.once('error', (error: NodeJS.ErrnoException) =>
      finish(error.code === 'ECONNREFUSED' || error.code === 'EHOSTUNREACH' ? 'closed' : 'silent'),
    );
  });
}
