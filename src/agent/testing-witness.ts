/**
 * For tests: a witness of what site agents put in their spools, heard on the spool subjects of the
 * local NATS as each part is published, independently of the agents and of the database. What the
 * database ends up holding is then checked against what the agents read: every reading once.
 */
import { connect, JSONCodec, type NatsConnection } from 'nats';
import type { SpoolItem } from './model.js';
import { spoolStream, spoolSubject } from './spool.js';

export interface WitnessedPart {
  key: string;
  agent: string;
  sweep: string;
  site: string;
  kind: SpoolItem['kind'];
  at: Date;
  /** The machines the part holds a reading of (none for a sweep's end). */
  machines: number[];
  /** Of those, the machines that answered. */
  answered: number;
  /** Swept on the agent's own timer through a cut, under no lease (`OffLease`). */
  offLease: boolean;
}

export interface SpoolWitness {
  /** Every part heard so far, once each (a publish retried by the agent is heard twice). */
  parts(): WitnessedPart[];
  /** Spooled and not yet forwarded, per agent. */
  waiting(agent: string): Promise<number>;
  /** Stops listening and deletes the agents' streams. */
  close(): Promise<void>;
}

export async function spoolWitness(server: string, agents: readonly string[]): Promise<SpoolWitness> {
  const nc: NatsConnection = await connect({ servers: server, name: 'hashforge-test-witness' });
  const codec = JSONCodec<SpoolItem>();
  const heard = new Map<string, WitnessedPart>();
  for (const agent of agents) {
    nc.subscribe(spoolSubject(agent), {
      callback: (error, msg) => {
        if (error) return;
        const item = codec.decode(msg.data);
        heard.set(item.key, {
          key: item.key,
          agent,
          sweep: item.sweep,
          site: item.site,
          kind: item.kind,
          at: new Date(item.at),
          machines: item.kind === 'polls' ? item.batch.map((p) => p.record.machineId) : [],
          answered: item.kind === 'polls' ? item.batch.filter((p) => p.record.answered).length : 0,
          offLease: item.offLease !== undefined,
        });
      },
    });
  }
  // The subscriptions are in place at the server before any agent publishes.
  await nc.flush();
  const jsm = await nc.jetstreamManager();
  return {
    parts: () => [...heard.values()],
    waiting: async (agent) => (await jsm.streams.info(spoolStream(agent))).state.messages,
    async close() {
      for (const agent of agents) await jsm.streams.delete(spoolStream(agent)).catch(() => false);
      await nc.drain();
    },
  };
}
