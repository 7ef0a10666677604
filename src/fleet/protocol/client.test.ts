import { createServer, type Server, type Socket } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { MinerClient, type MinerFailure, type MinerReply } from './client.js';
import { readFixture } from './testing-fixtures.js';

/** Real TCP servers on loopback, each behaving like one kind of miner (or attacker). */
const servers: Server[] = [];
const sockets = new Set<Socket>();

async function serve(host: string, port: number, onConnection: (socket: Socket) => void): Promise<number> {
  const server = createServer((socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
    socket.on('error', () => {});
    onConnection(socket);
  });
  servers.push(server);
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => resolve());
  });
  const address = server.address();
  return typeof address === 'object' && address ? address.port : port;
}

afterEach(async () => {
  for (const socket of sockets) socket.destroy();
  await Promise.all(servers.splice(0).map((s) => new Promise((resolve) => s.close(resolve))));
});

const VERSION = readFixture('avalon1566_version.json');

/** Answers like cgminer: reads one request, replies (in small chunks), appends NUL, closes. */
function miner(reply = VERSION, chunk = 64) {
  return (socket: Socket) => {
    socket.once('data', () => {
      const bytes = Buffer.from(`${reply}\u0000`);
      for (let i = 0; i < bytes.length; i += chunk) socket.write(bytes.subarray(i, i + chunk));
      socket.end();
    });
  };
}

const ok = (r: unknown) => r as MinerReply;
const failed = (r: unknown) => r as MinerFailure;

describe('MinerClient against well-behaved miners', () => {
  it('reads a chunked reply to EOF, strips the NUL and decodes it', async () => {
    const requests: string[] = [];
    const port = await serve('127.93.0.1', 0, (socket) => {
      socket.once('data', (d) => requests.push(d.toString()));
      miner()(socket);
    });
    const client = new MinerClient();
    const result = ok(await client.command(`127.93.0.1:${port}`, 'version'));
    expect(result.ok).toBe(true);
    expect(requests).toEqual(['{"command":"version"}']); // the whole request in the first segment
    expect(result.raw.at(-1)).toBe(0);
    expect(result.repairs).toEqual([]);
    expect((result.value as { VERSION: { MAC: string }[] }).VERSION[0]!.MAC).toBe('123456789012');
    expect(result.attempts).toBe(1);
    expect(result.durationMs).toBeGreaterThan(0);
  });

  it('connects from the configured source address', async () => {
    let seen = '';
    const port = await serve('127.93.0.1', 0, (socket) => {
      seen = socket.remoteAddress ?? '';
      miner()(socket);
    });
    await new MinerClient({ localAddress: '127.0.0.2' }).command({ host: '127.93.0.1', port }, 'version');
    expect(seen).toBe('127.0.0.2');
  });

  it('reads a reply that arrived in time even when its thread was held past the deadline', async () => {
    // The reply reaches the client's socket, then this thread is held (as a database write or a
    // loaded machine holds it) past the read deadline: the answer was in time and must count.
    const port = await serve('127.152.0.1', 0, (socket) => {
      socket.once('data', () =>
        socket.write(`${VERSION}\u0000`, () => {
          const until = performance.now() + 400;
          while (performance.now() < until) {} // hold the thread
        }),
      );
    });
    const client = new MinerClient({ readTimeoutMs: 150, connectTimeoutMs: 150 });
    const result = await client.command(`127.152.0.1:${port}`, 'version');
    expect(result.ok ? 'ok' : result.failure).toBe('ok');
    expect(result.durationMs).toBeGreaterThan(150);
  });
});

describe('MinerClient against misbehaving peers', () => {
  it('times out on a peer that never answers, and on one that trickles bytes forever', async () => {
    const silent = await serve('127.93.0.1', 0, () => {});
    const trickle = await serve('127.93.0.1', 0, (socket) => {
      const timer = setInterval(() => socket.write('{'), 20);
      socket.on('close', () => clearInterval(timer));
    });
    const client = new MinerClient({ readTimeoutMs: 300 });
    const [a, b] = await Promise.all([
      client.command(`127.93.0.1:${silent}`, 'summary'),
      client.command(`127.93.0.1:${trickle}`, 'summary'),
    ]);
    expect(failed(a).failure).toBe('timeout');
    expect(failed(b).failure).toBe('timeout');
    expect(failed(b).raw?.length).toBeGreaterThan(3);
    // Ended by the 300 ms deadline asked for, not the default 5 s (the margin is for a loaded machine).
    expect(a.durationMs).toBeLessThan(2500);
    expect(b.durationMs).toBeLessThan(2500);
  });

  it('says when a request still unanswered at the slow mark leaves the main lane', async () => {
    const silent = await serve('127.75.250.1', 0, () => {});
    const client = new MinerClient({ readTimeoutMs: 600, slowAfterMs: 100, retries: 0 });
    let straggling = 0;
    const result = failed(
      await client.request(`127.75.250.1:${silent}`, 'summary', { onStraggling: () => straggling++ }),
    );
    expect(result.failure).toBe('timeout');
    expect(straggling).toBe(1);
    expect(client.load.stragglers).toBe(0); // its straggler slot given back
  });

  it('stops reading at the size limit when a peer floods 10 MB', async () => {
    const port = await serve('127.93.0.1', 0, (socket) => {
      socket.once('data', () => {
        socket.write(Buffer.alloc(10 * 1024 * 1024, 0x7b));
        socket.end();
      });
    });
    const client = new MinerClient({ maxReplyBytes: 256 * 1024 });
    const result = failed(await client.command(`127.93.0.1:${port}`, 'stats'));
    expect(result.failure).toBe('too-large');
    expect(result.raw?.length ?? 0).toBeLessThanOrEqual(256 * 1024);
  });

  it('never lets hostile peers stall requests to healthy miners', async () => {
    const silent = await serve('127.93.0.1', 0, () => {});
    const trickle = await serve('127.93.0.1', 0, (socket) => {
      const timer = setInterval(() => socket.write(' '), 50);
      socket.on('close', () => clearInterval(timer));
    });
    const flood = await serve('127.93.0.1', 0, (socket) => {
      socket.once('data', () => socket.end(Buffer.alloc(10 * 1024 * 1024, 0x20)));
    });
    const healthy = await Promise.all(Array.from({ length: 5 }, () => serve('127.93.0.1', 0, miner())));
    const client = new MinerClient({ readTimeoutMs: 2000, concurrency: 50 });
    const hostile = [silent, trickle, flood].map((p) => client.command(`127.93.0.1:${p}`, 'summary'));
    const started = performance.now();
    const good = await Promise.all(
      Array.from({ length: 20 }, (_, i) => client.command(`127.93.0.1:${healthy[i % 5]}`, 'version')),
    );
    const goodMs = performance.now() - started;
    expect(good.every((r) => r.ok)).toBe(true);
    expect(goodMs).toBeLessThan(1000);
    const bad = await Promise.all(hostile);
    expect(bad.map((r) => (r.ok ? 'ok' : r.failure))).toEqual(['timeout', 'timeout', 'too-large']);
  });

  it("waits for a silent or trickling peer only as long as the fleet's recent answers say, once it has seen enough", async () => {
    const host = '127.192.250.1';
    const silent = await serve(host, 0, () => {});
    const trickle = await serve(host, 0, (socket) => {
      const timer = setInterval(() => socket.write('{'), 50);
      socket.on('close', () => clearInterval(timer));
    });
    const healthy = await serve(host, 0, miner());
    const client = new MinerClient({ readTimeoutMs: 1500, answerFloorMs: 200 });
    const learn = { learn: true } as const;
    // Nothing learned yet: the read deadline.
    const before = failed(await client.request(`${host}:${silent}`, 'summary', learn));
    expect(before.message).toMatch(/within 1500 ms/);
    expect(before.durationMs).toBeGreaterThanOrEqual(1400);
    for (let i = 0; i < 100; i++)
      expect((await client.request(`${host}:${healthy}`, 'version', learn)).ok).toBe(true);
    // A hundred answers of a few ms: four times the slowest is under the floor, so the floor.
    const [quiet, slow] = await Promise.all([
      client.request(`${host}:${silent}`, 'summary', learn),
      client.request(`${host}:${trickle}`, 'summary', learn),
    ]);
    for (const r of [quiet, slow]) {
      expect(failed(r).failure).toBe('timeout');
      expect(failed(r).message).toMatch(/learned from the fleet's recent answers/);
      expect(r.durationMs).toBeGreaterThanOrEqual(190);
      expect(r.durationMs).toBeLessThan(1000);
    }
    expect(failed(slow).message).toMatch(/of its first byte/);
    // A fleet that turns slow all at once (here: 30 more gone silent) must not be cut short by
    // what its faster past taught: past a quarter of learned waits cut short, the read deadline again.
    const more = await Promise.all(Array.from({ length: 30 }, () => serve(host, 0, () => {})));
    await Promise.all(more.map((p) => client.request(`${host}:${p}`, 'summary', learn)));
    const after = failed(await client.request(`${host}:${silent}`, 'summary', learn));
    expect(after.message).toMatch(/within 1500 ms/);
    // The fleet answers again: judged against those answers, the learned waits are trusted again.
    for (let i = 0; i < 100; i++)
      expect((await client.request(`${host}:${healthy}`, 'version', learn)).ok).toBe(true);
    const again = failed(await client.request(`${host}:${silent}`, 'summary', learn));
    expect(again.message).toMatch(/learned from the fleet's recent answers/);
    // A request that does not ask to learn keeps the read deadline.
    expect(failed(await client.request(`${host}:${silent}`, 'summary')).durationMs).toBeGreaterThanOrEqual(
      1400,
    );
  });

  it('gives a request already waiting on a silent peer the learned wait as soon as there is one', async () => {
    const host = '127.225.0.2';
    const silent = await serve(host, 0, () => {});
    const healthy = await serve(host, 0, miner());
    const client = new MinerClient({ readTimeoutMs: 10_000, answerFloorMs: 200 });
    const learn = { learn: true } as const;
    // Asked first, before anything is learned (a process's first sweep): the read deadline, at first.
    const waiting = client.request(`${host}:${silent}`, 'summary', learn);
    for (let i = 0; i < 100; i++) await client.request(`${host}:${healthy}`, 'version', learn);
    expect(failed(await waiting).message).toMatch(
      /No answer .* within \d+ ms, a wait learned from the fleet's/,
    );
  });

  it("waits for a miner slower than the fleet as long as its own last answer says, and learns from a straggler's answer", async () => {
    const host = '127.225.0.1';
    const healthy = await serve(host, 0, miner());
    const slow = await serve(host, 0, (socket) =>
      socket.once('data', () => setTimeout(() => socket.end(`${VERSION}\u0000`), 1500)),
    );
    const client = new MinerClient({ readTimeoutMs: 5000, answerFloorMs: 200 });
    const learn = { learn: true } as const;
    for (let i = 0; i < 100; i++) await client.request(`${host}:${healthy}`, 'version', learn);
    // The fleet's answers alone teach a wait under its 1.5 s.
    expect(failed(await client.request(`${host}:${slow}`, 'version', learn)).message).toMatch(
      /learned from the fleet's recent answers/,
    );
    // Its own last answer counts beside them.
    expect((await client.request(`${host}:${slow}`, 'version', { ...learn, lastAnswerMs: 1500 })).ok).toBe(
      true,
    );
    // Asked with the read deadline (a straggler), it answers, and those answers teach the rest once
    // they are more than a percent of the answers remembered (the learned wait is the 99th percentile).
    for (let i = 0; i < 3; i++)
      expect((await client.request(`${host}:${slow}`, 'version', { teach: true })).ok).toBe(true);
    for (let i = 0; i < 97; i++) await client.request(`${host}:${healthy}`, 'version', learn);
    expect((await client.request(`${host}:${slow}`, 'version', learn)).ok).toBe(true);
  });

  it('frees the main slot of a request waiting on a silent peer after twice the typical answer, so slow peers cannot starve healthy ones', async () => {
    const host = '127.192.250.2';
    const silent = await Promise.all(Array.from({ length: 8 }, () => serve(host, 0, () => {})));
    const healthy = await serve(host, 0, miner());
    // Two main slots; without learning, each silent peer would hold one for slowAfterMs (2 s).
    const client = new MinerClient({
      readTimeoutMs: 3000,
      answerFloorMs: 1500,
      slowAfterMs: 2000,
      concurrency: 2,
      stragglerConcurrency: 50,
    });
    const learn = { learn: true } as const;
    for (let i = 0; i < 100; i++) await client.request(`${host}:${healthy}`, 'version', learn);
    const waiting = silent.map((p) => client.request(`${host}:${p}`, 'summary', learn));
    const started = performance.now();
    const good = await Promise.all(
      Array.from({ length: 20 }, () => client.request(`${host}:${healthy}`, 'version', learn)),
    );
    expect(good.every((r) => r.ok)).toBe(true);
    expect(performance.now() - started).toBeLessThan(1000);
    expect((await Promise.all(waiting)).map((r) => (r.ok ? 'ok' : r.failure))).toEqual(
      silent.map(() => 'timeout'),
    );
  });

  it('keeps a request in the main lane for the configured slow mark while the learned waits are not trusted', async () => {
    const host = '127.58.0.1';
    const healthy = await serve(host, 0, miner());
    const slow = await serve(host, 0, (socket) =>
      socket.once('data', () => setTimeout(() => socket.end(`${VERSION}\u0000`), 400)),
    );
    const silent = await Promise.all(Array.from({ length: 30 }, () => serve(host, 0, () => {})));
    const client = new MinerClient({ readTimeoutMs: 1500, answerFloorMs: 200, slowAfterMs: 1000 });
    const learn = { learn: true } as const;
    for (let i = 0; i < 100; i++) await client.request(`${host}:${healthy}`, 'version', learn);
    // 30 of the last 100 learned waits cut short: past a quarter, nothing learned is trusted.
    await Promise.all(silent.map((p) => client.request(`${host}:${p}`, 'summary', learn)));
    const answer = client.request(`${host}:${slow}`, 'version', learn);
    await new Promise((resolve) => setTimeout(resolve, 200));
    // Past twice the typical answer (a few ms), short of the configured second: still in the main lane.
    expect(client.load).toMatchObject({ inFlight: 1, stragglers: 0 });
    expect((await answer).ok).toBe(true);
  });

  it('retries a refused connection with backoff, then gives up with a typed failure', async () => {
    const probe = await serve('127.93.0.1', 0, () => {});
    await new Promise((resolve) => servers.pop()!.close(resolve)); // a port nobody listens on now
    const client = new MinerClient({ retries: 2, backoffMs: 50 });
    const result = failed(await client.command(`127.93.0.1:${probe}`, 'summary'));
    expect(result.failure).toBe('refused');
    expect(result.attempts).toBe(3);
    expect(result.durationMs).toBeGreaterThanOrEqual(150 - 5); // 50 + 100 ms of backoff

    // A miner that comes up while we back off is reached on a retry.
    const late = new MinerClient({ retries: 3, backoffMs: 100 });
    const pending = late.command(`127.93.0.1:${probe}`, 'version');
    await new Promise((resolve) => setTimeout(resolve, 30));
    await serve('127.93.0.1', probe, miner());
    const reached = ok(await pending);
    expect(reached.ok).toBe(true);
    expect(reached.attempts).toBeGreaterThan(1);
  });

  it('reports a peer that closes or resets without replying; retries a reset only for reads', async () => {
    let connections = 0;
    const closer = await serve('127.93.0.1', 0, (socket) => socket.once('data', () => socket.end()));
    const resetter = await serve('127.93.0.1', 0, (socket) => {
      connections++;
      socket.once('data', () => socket.resetAndDestroy());
    });
    const client = new MinerClient({ retries: 2, backoffMs: 10 });
    expect(failed(await client.command(`127.93.0.1:${closer}`, 'ascset', '0,softon,1:1')).failure).toBe(
      'closed',
    );
    const read = failed(await client.command(`127.93.0.1:${resetter}`, 'summary'));
    expect(read.failure).toBe('closed');
    expect(read.attempts).toBe(3);
    connections = 0;
    const write = failed(await client.command(`127.93.0.1:${resetter}`, 'ascset', '0,reboot,0'));
    expect(write.failure).toBe('closed');
    expect(write.attempts).toBe(1); // a reboot that may have run is never sent twice
    expect(connections).toBe(1);
  });

  it('reports garbage as malformed and keeps the raw bytes', async () => {
    const port = await serve('127.93.0.1', 0, miner('<html><body>502 Bad Gateway</body></html>'));
    const result = failed(await new MinerClient().command(`127.93.0.1:${port}`, 'summary'));
    expect(result.failure).toBe('malformed');
    expect(result.raw?.toString()).toContain('502 Bad Gateway');
  });
});

describe('MinerClient concurrency', () => {
  type Counter = { now: number; max: number };
  /**
   * A miner that takes `delayMs` to answer and counts requests in service from accept to the
   * moment it sends its last byte (the client can only open the next one after that).
   */
  function slowMiner(delayMs: number, ...counters: Counter[]) {
    return (socket: Socket) => {
      for (const c of counters) {
        c.now++;
        c.max = Math.max(c.max, c.now);
      }
      socket.once('data', () =>
        setTimeout(() => {
          for (const c of counters) c.now--;
          socket.end(`${VERSION}\u0000`);
        }, delayMs),
      );
    };
  }

  it('sends one command at a time to a miner, and many miners at once', async () => {
    const perAddress = new Map<string, Counter>();
    const all: Counter = { now: 0, max: 0 };
    const port = await serve('127.93.1.1', 0, () => {});
    servers.pop()!.close();
    for (let i = 1; i <= 5; i++) {
      const counter = { now: 0, max: 0 };
      perAddress.set(`127.93.1.${i}`, counter);
      await serve(`127.93.1.${i}`, port, slowMiner(150, counter, all));
    }
    const client = new MinerClient({ concurrency: 100 });
    const results = await Promise.all(
      Array.from({ length: 20 }, (_, i) => client.command(`127.93.1.${(i % 5) + 1}:${port}`, 'version')),
    );
    expect(results.every((r) => r.ok)).toBe(true);
    for (const counter of perAddress.values()) expect(counter.max).toBe(1);
    expect(all.max).toBe(5);
    expect(client.load).toEqual({ inFlight: 0, waiting: 0, stragglers: 0, miners: 0 });
  });

  it('widens the straggler lane for a pass, up to its ceiling, and narrows it back after', async () => {
    const counter: Counter = { now: 0, max: 0 };
    const ports = await Promise.all(
      Array.from({ length: 8 }, () => serve('127.145.200.1', 0, slowMiner(60, counter))),
    );
    const client = new MinerClient({ stragglerConcurrency: 2, maxStragglerConcurrency: 5 });
    const askAll = () =>
      Promise.all(ports.map((p) => client.request(`127.145.200.1:${p}`, 'version', { lane: 'straggler' })));
    const narrow = client.widenStragglerLane(10);
    expect(client.capacity.straggler).toBe(5);
    expect((await askAll()).every((r) => r.ok)).toBe(true);
    expect(counter.max).toBe(5);
    narrow();
    narrow(); // once only
    expect(client.capacity.straggler).toBe(2);
    counter.max = 0;
    expect((await askAll()).every((r) => r.ok)).toBe(true);
    expect(counter.max).toBe(2);
  });

  it('caps sockets in flight across miners', async () => {
    const counter: Counter = { now: 0, max: 0 };
    const ports = await Promise.all(
      Array.from({ length: 8 }, () => serve('127.93.2.1', 0, slowMiner(30, counter))),
    );
    const client = new MinerClient({ concurrency: 3 });
    const results = await Promise.all(ports.map((p) => client.command(`127.93.2.1:${p}`, 'version')));
    expect(results.every((r) => r.ok)).toBe(true);
    expect(counter.max).toBe(3);
    expect(Math.max(...results.map((r) => r.waitedMs))).toBeGreaterThan(20);
  });
});
