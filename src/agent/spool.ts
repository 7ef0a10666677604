/**
 * The agent's spool: every part of every sweep goes here first, and the forwarder takes it to the
 * central database in order. A stream of the local NATS JetStream (127.0.0.1:4222 on a site's
 * host), one per agent, kept on disk for 48 hours. Not an embedded PGlite: PGlite makes a new
 * database with a WebAssembly initdb that took 60 s in memory and over 150 s on disk on this
 * shared machine, at every first start of an agent; the stream is there at once, survives the
 * agent's restart, orders its messages, and drops a part published twice (its key is the message
 * id). Forwarded parts are deleted: the spool is a buffer, the central database is the history.
 */
import {
  connect,
  type JetStreamClient,
  type JetStreamManager,
  JSONCodec,
  type NatsConnection,
  RetentionPolicy,
  StorageType,
} from 'nats';
import { SPOOL_KEEP_HOURS, type SpoolItem } from './model.js';

type StoredMsg = Awaited<ReturnType<JetStreamManager['streams']['getMessage']>>;
/** The client's direct reads (`allow_direct`): its manager has them, its published type omits them. */
interface DirectReads {
  getMessage(stream: string, query: { seq: number; next_by_subj: string }): Promise<StoredMsg>;
}

export interface Spooled {
  seq: number;
  item: SpoolItem;
}

export interface SpoolSize {
  items: number;
  bytes: number;
  oldest: Date | undefined;
}

const KEEP_NANOS = SPOOL_KEEP_HOURS * 3600 * 1e9;
const codec = JSONCodec<SpoolItem>();

const safe = (agent: string) => agent.replace(/[^A-Za-z0-9_-]/g, '_');
/** The agent's stream, and the subject its parts are published on (names take no dots or spaces). */
export const spoolStream = (agent: string): string => `HASHFORGE_SPOOL_${safe(agent)}`;
export const spoolSubject = (agent: string): string => `hashforge.spool.${safe(agent)}`;

export class Spool {
  private constructor(
    private readonly nc: NatsConnection,
    private readonly js: JetStreamClient,
    private readonly jsm: JetStreamManager,
    private readonly stream: string,
    private readonly subject: string,
  ) {}

  static async open(server: string, agent: string): Promise<Spool> {
    const name = spoolStream(agent);
    const subject = spoolSubject(agent);
    const nc = await connect({ servers: server, name: `hashforge-agent-${agent}` });
    const jsm = await nc.jetstreamManager();
    const config = {
      name,
      subjects: [subject],
      storage: StorageType.File,
      retention: RetentionPolicy.Limits,
      max_age: KEEP_NANOS,
      allow_direct: true,
      // A part published again within this long (a retried publish) is stored once.
      duplicate_window: 120 * 1e9,
    };
    try {
      await jsm.streams.info(name);
    } catch {
      await jsm.streams.add(config);
    }
    return new Spool(nc, nc.jetstream(), jsm, name, subject);
  }

  private get direct(): DirectReads {
    return (this.jsm as JetStreamManager & { direct: DirectReads }).direct;
  }

  /** Adds a part after every other, once stored on disk; the same key twice is kept once. Its number. */
  async append(item: SpoolItem): Promise<number> {
    return (await this.js.publish(this.subject, codec.encode(item), { msgID: item.key })).seq;
  }

  /**
   * The oldest parts, in the order they were made. Asked for all at once (one round trip, not one
   * a part: the forwarder's pace is its round trips); parts are removed from the front only, so
   * their numbers run on without gaps, and a gap would only hand a part twice, kept once here.
   */
  async first(limit: number): Promise<Spooled[]> {
    const { state } = await this.jsm.streams.info(this.stream);
    if (state.messages === 0) return [];
    const seqs = Array.from(
      { length: Math.min(limit, state.last_seq - state.first_seq + 1) },
      (_, i) => state.first_seq + i,
    );
    const got = await Promise.all(
      seqs.map((seq) =>
        this.direct.getMessage(this.stream, { seq, next_by_subj: this.subject }).catch(() => undefined),
      ),
    );
    const bySeq = new Map<number, Spooled>();
    for (const m of got) if (m) bySeq.set(m.seq, { seq: m.seq, item: codec.decode(m.data) });
    return [...bySeq.values()].sort((a, b) => a.seq - b.seq);
  }

  async drop(seq: number): Promise<void> {
    await this.jsm.streams.deleteMessage(this.stream, seq, false);
  }

  /** Every part up to and including `seq`, in one request: the forwarder's parts once stored. */
  async dropThrough(seq: number): Promise<void> {
    await this.jsm.streams.purge(this.stream, { seq: seq + 1 });
  }

  async size(): Promise<SpoolSize> {
    const { state } = await this.jsm.streams.info(this.stream);
    return {
      items: state.messages,
      bytes: state.bytes,
      oldest: state.messages > 0 ? new Date(state.first_ts) : undefined,
    };
  }

  async close(): Promise<void> {
    await this.nc.drain();
  }

  /** Deletes the stream, whatever it holds, and closes: an agent retired for good, or a test's spool. */
  async remove(): Promise<void> {
    await this.jsm.streams.delete(this.stream);
    await this.close();
  }
}
