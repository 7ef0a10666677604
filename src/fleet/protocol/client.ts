/**
 * Talks to miners over TCP the way their firmware expects: one request per connection, written in
 * one go (Canaan's firmware reads a request with a single recv), reply read to EOF (cgminer's
 * API-README: it replies "and then close[s] the socket each time"). Every way a miner can
 * misbehave — silent, trickling, flooding, refusing, resetting — ends in a typed failure within
 * the configured time, and never holds up requests to other miners.
 */
import { connect, type Socket } from 'node:net';
import type { Json } from '../../kernel/json.js';
import { AnswerTimes, cutBy, type LearnedWaits } from './answer-times.js';
import {
  DEFAULT_MAX_REPLY_BYTES,
  decodeReply,
  encodeRequest,
  type MinerRequest,
  PRIVILEGED_COMMANDS,
} from './codec.js';
import { KeyedSerializer, Semaphore } from './concurrency.js';
import { ProtocolError } from './protocol-error.js';

export const DEFAULT_PORT = 4028;

/**
 * Why a request failed. The first four are the transport's (the miner is unreachable, silent, or
 * broke off: `short` is an answer cut before its end); the last three are the miner's own answer
 * being unusable, which the fleet calls a protocol error rather than offline.
 */
export type MinerFailureKind =
  | 'timeout'
  | 'refused'
  | 'closed'
  | 'short'
  | 'too-large'
  | 'too-deep'
  | 'malformed';

/** The failures where the miner answered, but with something that cannot be used. */
export const PROTOCOL_FAILURES: ReadonlySet<MinerFailureKind> = new Set([
  'too-large',
  'too-deep',
  'malformed',
]);

/**
 * Which budget a request's socket counts against. `main` is the client's concurrency; `straggler`
 * a second, larger budget for miners expected to be slow (their last poll failed or dragged), so
 * that waiting on them never takes a slot from the miners that answer at once.
 */
export type Lane = 'main' | 'straggler';

export interface RequestOptions {
  lane?: Lane;
  /**
   * Wait only as long as the answers to this client's other `learn` requests say a miner needs
   * (answer-times.ts), and teach it this one's answer: a sweep's polls, which all ask the same of
   * similar miners. The first byte must come within the learned wait after connecting, and the rest
   * within as long again after it (a trickle ends there); the read deadline still caps both.
   */
  learn?: boolean;
  /**
   * With `learn`: this miner's own last answer, in ms. Its wait is learned as if the fleet's slow
   * recent answers (their 99th percentile) were at least this one, so a miner slower than the rest
   * is not cut short by what the faster ones taught.
   */
  lastAnswerMs?: number;
  /** Teach the learned waits this request's answer without waiting as they say (a straggler's). */
  teach?: boolean;
  /**
   * Told when the request, unanswered at the slow mark, leaves its main slot for the straggler lane
   * (again for a retried attempt that does): it then waits on its miner, and the caller may count it
   * out of the main lane's work.
   */
  onStraggling?: () => void;
}

export interface MinerAddress {
  host: string;
  port?: number;
}

export interface MinerReply {
  ok: true;
  address: string;
  raw: Buffer;
  value: Json;
  repairs: string[];
  format: 'json' | 'text';
  /** From the first connect attempt to the end of the reply, retries included. */
  durationMs: number;
  /** Time spent waiting for this miner's previous command and for a global slot. */
  waitedMs: number;
  attempts: number;
}

export interface MinerFailure {
  ok: false;
  address: string;
  failure: MinerFailureKind;
  message: string;
  /** Whatever arrived before the failure, for diagnostics (capped at the size limit). */
  raw?: Buffer;
  durationMs: number;
  waitedMs: number;
  attempts: number;
}

export type MinerResult = MinerReply | MinerFailure;

export interface MinerClientOptions {
  /** Give up connecting after this long. Foreman uses 1 s, asic-rs 1 s × 3, pyasic 3 s. */
  connectTimeoutMs?: number;
  /** Give up if the whole reply has not arrived this long after connecting. */
  readTimeoutMs?: number;
  maxReplyBytes?: number;
  /** Extra attempts after a refused or reset connection (a reset one only for read-only commands). */
  retries?: number;
  /** First pause before a retry; doubles each time. fms-core waits 500 ms. */
  backoffMs?: number;
  /** Sockets open at once across all miners (the main lane). */
  concurrency?: number;
  /**
   * Sockets open at once in the straggler lane: requests sent there, and main-lane requests still
   * unanswered after `slowAfterMs`, which move there when it has room and free their main slot.
   * They cost a file descriptor and a timer each, and hold at most `maxReplyBytes`.
   */
  stragglerConcurrency?: number;
  /**
   * The most the straggler lane is widened to (`widenStragglerLane`): each socket in it is a file
   * descriptor, and a reply read there holds up to `maxReplyBytes`.
   */
  maxStragglerConcurrency?: number;
  slowAfterMs?: number;
  /** The shortest a learned answer wait gets (see `RequestOptions.learn`). */
  answerFloorMs?: number;
  /** Source address to connect from (the miner's allow list is by source address). */
  localAddress?: string;
}

const DEFAULTS: Required<Omit<MinerClientOptions, 'localAddress'>> = {
  connectTimeoutMs: 3000,
  readTimeoutMs: 10_000,
  maxReplyBytes: DEFAULT_MAX_REPLY_BYTES,
  retries: 2,
  backoffMs: 200,
  concurrency: 500,
  stragglerConcurrency: 1000,
  // Ten times the lane's own room. With the fleet's main lane of 2,000, up to 12,000 sockets: file
  // descriptors the poller's host must allow (`ulimit -n`).
  maxStragglerConcurrency: 10_000,
  // A loopback or LAN answer takes milliseconds; an Avalon's big `estats` rarely more than a few
  // hundred. Past a second a request is waiting on the miner, not working (the sweep's own
  // straggler mark, STRAGGLER_POLL_MS, is the same second).
  slowAfterMs: 1000,
  // A LAN miner's answer takes milliseconds, an Avalon's big `estats` a few hundred at most: one
  // silent for a second after a fleet whose slow recent answers took a quarter of that is not
  // answering.
  answerFloorMs: 1000,
};

type Attempt =
  /** From the connection to the reply's first byte, and to its last. */
  | { ok: true; raw: Buffer; firstByteMs: number; answerMs: number }
  | { ok: false; failure: MinerFailureKind; message: string; retryable: boolean; raw?: Buffer };

export function formatAddress(address: MinerAddress | string): { host: string; port: number; key: string } {
  if (typeof address !== 'string') {
    const port = address.port ?? DEFAULT_PORT;
    return { host: address.host, port, key: `${address.host}:${port}` };
  }
  const bracketed = /^\[([^\]]+)\](?::(\d+))?$/.exec(address);
  const plain = /^([^:]+)(?::(\d+))?$/.exec(address);
  const match = bracketed ?? plain;
  const host = match?.[1] ?? address;
  const port = match?.[2] ? Number(match[2]) : DEFAULT_PORT;
  return { host, port, key: `${host}:${port}` };
}

/** The command names in a request text, JSON or plain; `['']` if it names none. */
function commandNames(text: string): string[] {
  if (text.trimStart().startsWith('{')) {
    try {
      const parsed = JSON.parse(text) as { command?: unknown };
      return typeof parsed.command === 'string' ? parsed.command.split('+') : [''];
    } catch {
      return [''];
    }
  }
  return (text.split('|')[0] ?? '').split('+');
}

interface PreparedRequest {
  readOnly: boolean;
  bytes: Buffer;
}

const ANSWER_WAIT_WHY = "a wait learned from the fleet's recent answers";

/**
 * Where every socket of every client reads into (`onread`), each read copied out at once: a
 * socket's own stream allocated a 64 KiB buffer for every read and passed it through the stream's
 * machinery as a 'data' event, which together cost more than the copy.
 */
const READ_BUFFER = Buffer.allocUnsafe(64 * 1024);

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/**
 * A time-out judged only after the I/O that is already waiting has been read. Node runs expired
 * timers before it reads sockets: when the thread was held (an embedded database's write, a big
 * reply, or simply a loaded machine that did not schedule this process), every deadline that
 * passed meanwhile would fire before the replies that arrived meanwhile are seen, and miners that
 * answered in time would be failed. An immediate runs after the loop's poll phase, so the reply,
 * if it is there, settles the request first and the expiry finds it settled.
 */
function deadline(expire: () => void, ms: number): NodeJS.Timeout {
  // Whole milliseconds: Node keeps one list of timers per duration, and a fractional duration
  // (a deadline's remaining time) made a list, and a priority-queue entry, for every poll.
  return setTimeout(setImmediate, Math.ceil(ms), expire);
}

export class MinerClient {
  private readonly options: Required<Omit<MinerClientOptions, 'localAddress'>> & { localAddress?: string };
  private readonly slots: Semaphore;
  private readonly stragglerSlots: Semaphore;
  private readonly perMiner = new KeyedSerializer();
  private readonly preparedTexts = new Map<string, PreparedRequest>();
  private readonly answerTimes = new AnswerTimes();
  /**
   * Requests asked to learn before anything was learned, each told once there is: the first polls
   * of a process's first sweep would otherwise wait for a silent miner the whole read deadline
   * (5 s) where those asked a moment later wait a second, and hold the sweep's end for it.
   */
  private readonly awaitingWaits = new Set<() => void>();

  constructor(options: MinerClientOptions = {}) {
    this.options = { ...DEFAULTS, ...options };
    this.slots = new Semaphore(this.options.concurrency);
    this.stragglerSlots = new Semaphore(this.options.stragglerConcurrency);
  }

  /**
   * Makes room in the straggler lane for `count` more requests (up to `maxStragglerConcurrency` in
   * all) until the function returned is called: a sweep that knows how many of its machines timed
   * out last time asks them all at once, and the configured room stays for polls that turn slow.
   * A socket waiting on a silent miner costs a descriptor and a timer; what it may read is capped
   * by `maxReplyBytes` as anywhere.
   */
  widenStragglerLane(count: number): () => void {
    const room = this.options.maxStragglerConcurrency - this.stragglerSlots.size;
    const extra = Math.max(0, Math.min(Math.floor(count), room));
    if (extra === 0) return () => {};
    this.stragglerSlots.resize(this.stragglerSlots.size + extra);
    let narrowed = false;
    return () => {
      if (narrowed) return;
      narrowed = true;
      this.stragglerSlots.resize(this.stragglerSlots.size - extra);
    };
  }

  /** Requests worth keeping in flight to fill both lanes (a sweep sizes its workers by it). */
  get capacity(): { main: number; straggler: number } {
    return { main: this.options.concurrency, straggler: this.stragglerSlots.size };
  }

  /**
   * Main-lane sockets open now and requests waiting for one, straggler-lane sockets open now, and
   * miners with a command running or queued.
   */
  get load(): { inFlight: number; waiting: number; stragglers: number; miners: number } {
    return {
      inFlight: this.slots.inUse,
      waiting: this.slots.waiting,
      stragglers: this.stragglerSlots.inUse,
      miners: this.perMiner.activeKeys,
    };
  }

  /** Send one request (a `MinerRequest` or a prepared request text) and read the reply. */
  request(
    address: MinerAddress | string,
    request: MinerRequest | string,
    options: RequestOptions = {},
  ): Promise<MinerResult> {
    const lane = options.lane ?? 'main';
    const { host, port, key } = formatAddress(address);
    // Built up front so that a bad request fails here, not as a socket error.
    const text = typeof request === 'string' ? request : encodeRequest(request);
    const { readOnly, bytes } = this.prepare(text);
    const queuedAt = performance.now();
    const { readTimeoutMs, slowAfterMs, answerFloorMs } = this.options;
    return this.perMiner.run(key, async () => {
      let attempts = 0;
      let startedAt = 0;
      let waitedMs = 0;
      let backoff = this.options.backoffMs;
      for (;;) {
        let release = await (lane === 'main' ? this.slots : this.stragglerSlots).acquire();
        if (attempts === 0) {
          startedAt = performance.now();
          waitedMs = startedAt - queuedAt;
        }
        attempts++;
        const limits = { readTimeoutMs, slowAfterMs, answerFloorMs };
        let learned = options.learn ? this.answerTimes.waits(limits, options.lastAnswerMs) : undefined;
        // Learned waits apply while trusted; while not, they are only judged against the answer
        // that comes, so that trust can return, and the configured ones apply. Both of them: a
        // learned slow mark (twice the typical answer, a few ms) kept while distrusted sent every
        // request to the straggler lane at once, filling it with healthy polls.
        const trusted = learned !== undefined && this.answerTimes.trusted ? learned : undefined;
        const waits: LearnedWaits = {
          answerMs: trusted?.answerMs ?? readTimeoutMs,
          slowAfterMs: trusted?.slowAfterMs ?? slowAfterMs,
        };
        let shorten: ((answerMs: number) => void) | undefined;
        const onLearned = () => {
          learned = this.answerTimes.waits(limits, options.lastAnswerMs);
          if (learned !== undefined && this.answerTimes.trusted) shorten?.(learned.answerMs);
        };
        if (options.learn && learned === undefined) this.awaitingWaits.add(onLearned);
        let outcome: Attempt;
        try {
          outcome = await this.attempt(
            host,
            port,
            bytes,
            waits,
            () => {
              // Still waiting on this miner: wait in the straggler lane if it has room.
              const straggler = lane === 'main' ? this.stragglerSlots.tryAcquire() : undefined;
              if (straggler === undefined) return;
              release();
              release = straggler;
              options.onStraggling?.();
            },
            (fn) => {
              shorten = fn;
            },
          );
        } finally {
          release();
          this.awaitingWaits.delete(onLearned);
        }
        const cutting = learned !== undefined && learned.answerMs < readTimeoutMs;
        const inForce = waits.answerMs < readTimeoutMs;
        const base = { address: key, durationMs: performance.now() - startedAt, waitedMs, attempts };
        if (outcome.ok) {
          const result = this.decode(outcome.raw, base);
          // Only a usable answer says how long a miner takes.
          if ((options.learn || options.teach) && result.ok) this.teach(outcome.answerMs);
          if (cutting)
            this.answerTimes.outcome(
              !inForce && result.ok && cutBy(learned!.answerMs, outcome.firstByteMs, outcome.answerMs),
            );
          return result;
        }
        // Not answering is no answer cut short, unless the learned wait itself ended it.
        if (cutting) this.answerTimes.outcome(inForce && outcome.message.endsWith(`${ANSWER_WAIT_WHY}.`));
        const retry = outcome.retryable && (outcome.failure === 'refused' || readOnly);
        if (!retry || attempts > this.options.retries) {
          const failure: MinerFailure = {
            ok: false,
            ...base,
            failure: outcome.failure,
            message: outcome.message,
          };
          if (outcome.raw && outcome.raw.length > 0) failure.raw = outcome.raw;
          return failure;
        }
        // Back off without holding a global slot, so other miners proceed meanwhile.
        await sleep(backoff);
        backoff *= 2;
      }
    });
  }

  /** One answer's time learned; requests that waited for something learned are told once it is. */
  private teach(answerMs: number): void {
    this.answerTimes.add(answerMs);
    if (this.awaitingWaits.size === 0 || !this.answerTimes.learnedAny) return;
    const waiting = [...this.awaitingWaits];
    this.awaitingWaits.clear();
    for (const told of waiting) told();
  }

  /**
   * A request text's bytes, and whether it only reads (so that a reset connection may be retried).
   * Remembered per text: a sweep sends the same few texts to every miner, and parsing each again
   * showed in a sweep's profile, as did encoding it to UTF-8 again for every socket's write.
   */
  private prepare(text: string): PreparedRequest {
    let prepared = this.preparedTexts.get(text);
    if (prepared === undefined) {
      prepared = {
        readOnly: !commandNames(text).some((n) => PRIVILEGED_COMMANDS.has(n) || n === ''),
        bytes: Buffer.from(text, 'utf8'),
      };
      if (this.preparedTexts.size >= 64) this.preparedTexts.clear();
      this.preparedTexts.set(text, prepared);
    }
    return prepared;
  }

  /** Convenience: one command with an optional parameter, JSON form. */
  command(address: MinerAddress | string, command: string | readonly string[], parameter?: string | number) {
    return this.request(address, { command, parameter });
  }

  private decode(
    raw: Buffer,
    base: { address: string; durationMs: number; waitedMs: number; attempts: number },
  ): MinerResult {
    const fail = (failure: MinerFailureKind, message: string): MinerFailure => {
      const result: MinerFailure = { ok: false, ...base, failure, message };
      if (raw.length > 0) result.raw = raw;
      return result;
    };
    try {
      const { value, repairs, format, truncated } = decodeReply(raw, {
        maxBytes: this.options.maxReplyBytes,
      });
      if (truncated) {
        return fail(
          'short',
          `The reply from ${base.address} ended after ${raw.length} bytes, before its JSON did: a short read.`,
        );
      }
      return { ok: true, ...base, raw, value, repairs, format };
    } catch (error) {
      if (!(error instanceof ProtocolError)) throw error;
      if (error.failure === 'empty')
        return fail('closed', 'The miner closed the connection without replying.');
      const kind: MinerFailureKind =
        error.failure === 'too-large' ? 'too-large' : error.failure === 'too-deep' ? 'too-deep' : 'malformed';
      return fail(kind, error.message);
    }
  }

  private attempt(
    host: string,
    port: number,
    bytes: Buffer,
    waits: LearnedWaits,
    onSlow: () => void,
    /** Hands over a function that shortens this attempt's answer wait (see `awaitingWaits`). */
    onShorten?: (shorten: (answerMs: number) => void) => void,
  ): Promise<Attempt> {
    const { connectTimeoutMs, readTimeoutMs, maxReplyBytes, localAddress } = this.options;
    return new Promise<Attempt>((resolve) => {
      const chunks: Buffer[] = [];
      let received = 0;
      let connectedAt = 0;
      let firstByteAt = 0;
      let connected = false;
      let settled = false;
      let timer: NodeJS.Timeout | undefined;
      let slow: NodeJS.Timeout | undefined = setTimeout(() => {
        slow = undefined;
        onSlow();
      }, waits.slowAfterMs);
      const socket: Socket = connect({
        host,
        port,
        ...(localAddress ? { localAddress } : {}),
        onread: { buffer: READ_BUFFER, callback: (nread, buffer) => read(buffer, nread) },
      });
      // A reply usually arrives in one read on a LAN: use its copy as it is rather than copy it again.
      const whole = () => (chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks));
      const partial = () => (received > 0 ? whole() : undefined);
      const complete = () => {
        if (settled) return;
        const now = performance.now();
        finish({
          ok: true,
          raw: whole(),
          firstByteMs: (received > 0 ? firstByteAt : now) - connectedAt,
          answerMs: now - connectedAt,
        });
      };
      const finish = (outcome: Attempt) => {
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        clearTimeout(slow);
        // The listeners stay: each returns at once once settled, and the error listener swallows the
        // late errors a destroyed socket may still emit. Taking them off and putting a no-op back
        // cost more than the events they would see.
        socket.destroy();
        resolve(outcome);
      };
      const fail = (failure: MinerFailureKind, message: string, retryable = false) => {
        if (settled) return;
        const raw = partial();
        finish(
          raw ? { ok: false, failure, message, retryable, raw } : { ok: false, failure, message, retryable },
        );
      };
      const noAnswer = () =>
        waits.answerMs < readTimeoutMs
          ? fail('timeout', `No answer from ${host}:${port} within ${waits.answerMs} ms, ${ANSWER_WAIT_WHY}.`)
          : fail(
              'timeout',
              `No complete reply from ${host}:${port} within ${readTimeoutMs} ms (${received} bytes).`,
            );
      const restLate = () =>
        fail(
          'timeout',
          `No complete reply from ${host}:${port} within ${waits.answerMs} ms of its first byte (${received} bytes), ${ANSWER_WAIT_WHY}.`,
        );
      /** The answer has begun: the rest is owed within the answer wait, and within the read deadline. */
      const owedRest = () =>
        deadline(
          restLate,
          Math.max(
            0,
            Math.min(firstByteAt + waits.answerMs, connectedAt + readTimeoutMs) - performance.now(),
          ),
        );
      onShorten?.((answerMs) => {
        if (settled || answerMs >= waits.answerMs) return;
        waits.answerMs = answerMs;
        if (!connected) return; // the connection's own handler arms it
        clearTimeout(timer);
        timer =
          received === 0
            ? deadline(noAnswer, Math.max(0, connectedAt + answerMs - performance.now()))
            : owedRest();
      });
      timer = deadline(() => {
        // Connected while the expiry waited its turn: the read deadline now runs instead.
        if (!connected) fail('timeout', `No connection to ${host}:${port} within ${connectTimeoutMs} ms.`);
      }, connectTimeoutMs);
      // No TCP_NODELAY: the request goes in one write on a fresh connection, which Nagle's
      // algorithm never holds back, and the extra system call per poll showed in a sweep's profile.
      socket.on('connect', () => {
        connected = true;
        connectedAt = performance.now();
        clearTimeout(timer);
        timer = deadline(noAnswer, waits.answerMs);
        socket.write(bytes);
      });
      /** `nread` bytes at the start of the shared read buffer, copied out before the next read reuses it. */
      const read = (buffer: Uint8Array, nread: number): boolean => {
        if (settled) return false;
        if (received === 0) {
          firstByteAt = performance.now();
          if (waits.answerMs < readTimeoutMs) {
            clearTimeout(timer);
            timer = owedRest();
          }
        }
        received += nread;
        if (received > maxReplyBytes) {
          // Dropped at once: a flooding miner costs at most the limit, however much it sends.
          chunks.length = 0;
          received = 0;
          fail('too-large', `The reply from ${host}:${port} passed the ${maxReplyBytes}-byte limit.`);
          return false;
        }
        const chunk = Buffer.allocUnsafe(nread);
        chunk.set(buffer.subarray(0, nread));
        chunks.push(chunk);
        // cgminer ends every answer with a NUL (api.c sends len+1 bytes): the answer is complete
        // there, whether or not the miner ever closes the connection.
        if (chunk[nread - 1] === 0) complete();
        return !settled;
      };
      socket.on('end', complete);
      socket.on('error', (error: NodeJS.ErrnoException) => {
        if (settled) return;
        const code = error.code ?? 'ERROR';
        if (!connected) {
          if (code === 'ETIMEDOUT') fail('timeout', `Connecting to ${host}:${port} timed out (${code}).`);
          else fail('refused', `Could not connect to ${host}:${port}: ${code}.`, code === 'ECONNREFUSED');
        } else {
          fail(
            'closed',
            `The connection to ${host}:${port} broke: ${code}.`,
            received === 0 && code === 'ECONNRESET',
          );
        }
      });
      socket.on('close', () => {
        if (!settled) fail('closed', `The connection to ${host}:${port} closed before the reply ended.`);
      });
    });
  }
}
