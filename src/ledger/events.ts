/**
 * Event payloads typed by their kind. Each module declares the union of its events, one
 * `EventOf<kind, payload>` per kind; the ledger itself stores and lists events of any kind with an
 * unknown payload (`RecordedEvent`). What is here ties the two together without casts:
 * - `ProjectionsOf<E>` / `defineProjections`: a module's projection map, one entry per kind of its
 *   union, each given that kind's payload (a missing, unknown or mistyped entry does not compile);
 * - `recorder<E>()`: `record` for one module, where the kind written picks the payload `decide`
 *   must return and `respond` receives;
 * - `eventFromRow` and `isEventOf`: reading stored events back and narrowing them to a module's
 *   union by kind. This is the one place a payload's type is trusted rather than checked.
 */
import type { Db } from '../db/db.js';
import { fromStoredJson, fromStoredJsonText } from '../kernel/json.js';
import { type Projections, type RecordedEvent, record, type WriteRequest } from './ledger.js';

/** One kind of event and what it carries: a member of a module's event union. */
export interface EventOf<K extends string, P> {
  kind: K;
  payload: P;
}

/** An event of any kind, its payload not known: what the ledger itself handles. */
export type AnyEvent = EventOf<string, unknown>;

/** What the ledger adds to every event: its id, time, actor, stream and version. */
export type EventFacts = Omit<RecordedEvent, 'kind' | 'payload'>;

/**
 * An event of `E` as recorded. An intersection with a union is a union of intersections, so a
 * module's `Recorded<SalesEvent>` narrows its payload by `kind` in an `if` or `switch`.
 */
export type Recorded<E extends AnyEvent> = EventFacts & E;

/** The payload of the events of `E` of kind `K`. */
export type PayloadOf<E extends AnyEvent, K extends E['kind']> = Extract<E, { kind: K }>['payload'];

/** A union of events as a map from kind to payload, the form generic code can index by kind. */
type PayloadMap<E extends AnyEvent> = { [K in E['kind']]: PayloadOf<E, K> };

/** One event of the map `M`, of kind `K`. */
type MapEvent<M, K extends keyof M> = EventFacts & { kind: K; payload: M[K] };

type ProjectionMap<M> = {
  [K in keyof M & string]: (tx: Db, event: MapEvent<M, K>) => Promise<void>;
};

/** A module's projections: exactly one per kind of its union `E`, given that kind's payload. */
export type ProjectionsOf<E extends AnyEvent> = ProjectionMap<PayloadMap<E>>;

/**
 * Checks a module's projections against its union and hands them to the ledger, which looks them
 * up by kind in one map for every module. Pass the object literal itself, so that an entry for a
 * kind outside the union is reported too (an excess property).
 */
export function defineProjections<E extends AnyEvent>(typed: ProjectionsOf<E>): Projections {
  return erase(typed);
}

function erase<M>(typed: ProjectionMap<M>): Projections {
  const erased: Projections = {};
  for (const kind of Object.keys(typed)) {
    erased[kind] = async (tx, event) => {
      // The ledger looks projections up by the event's kind, so this holds; checked all the same,
      // as it is what lets the payload be trusted (see `hasKindOf`).
      if (event.kind !== kind || !hasKindOf(typed, event)) {
        throw new Error(`The projection of ${kind} was given an event of kind ${event.kind}.`);
      }
      await projectOne(typed, tx, event);
    };
    // A projection's batch form (`withBatch`, replay.ts) is kept: a replay calls it with runs of
    // events whose kinds all map to it.
    const batch = (typed[kind as keyof typeof typed] as { batch?: unknown }).batch;
    if (batch) Object.assign(erased[kind], { batch });
  }
  return erased;
}

/** Generic in the kind, so that the projection looked up and the event agree (TS 4.6+ pattern). */
function projectOne<M, K extends keyof M & string>(
  typed: ProjectionMap<M>,
  tx: Db,
  event: MapEvent<M, K>,
): Promise<void> {
  return typed[event.kind](tx, event);
}

/** The writer of one module's events: `record`, with the payload checked against the kind. */
export type Recorder<E extends AnyEvent> = <K extends E['kind'], R>(
  ctx: Parameters<typeof record>[0],
  req: WriteRequest<K>,
  decide: (tx: Db) => Promise<PayloadOf<E, K>>,
  respond: (tx: Db, event: Recorded<EventOf<K, PayloadOf<E, K>>>) => Promise<R>,
) => Promise<R>;

/**
 * `record` for the module whose events are `E`: the kind in the request picks the payload that
 * `decide` must return and `respond` receives. (A union of kinds, as a contract event's, accepts
 * the union of their payloads: give kinds that share a payload type.)
 */
export function recorder<E extends AnyEvent>(): Recorder<E> {
  return (ctx, req, decide, respond) => record(ctx, req, decide, respond);
}

/** An `events` row as selected by Kysely (the columns an event is made of). */
export interface EventRow {
  id: bigint;
  recorded_at: Date;
  actor: string;
  kind: string;
  stream: string;
  version: number;
  payload: unknown;
}

/**
 * A stored event, its payload read back from JSON with its bigints restored. Its kind is any
 * string and its payload unknown: a module narrows it to its own union with `isEventOf`.
 *
 * The trust boundary. The payload is not validated on the way back in: an event is only ever
 * appended by `record` or `appendEvents`, whose types make the payload the one its module declared
 * for the kind, and the stored JSON reads back to the value that was written. So an event whose
 * kind a module declares is taken to carry that kind's payload; `isEventOf` and `hasKindOf` check
 * the kind and trust the payload. A change to a payload's type must therefore keep reading events
 * stored in the old form (or be a new kind): the compiler cannot see the rows already stored.
 */
export function eventFromRow(row: EventRow): RecordedEvent {
  return eventWith(row, fromStoredJson(row.payload));
}

/** A stored event whose payload was read as text (`payload::text`); see `eventFromTextRow`. */
export type EventTextRow = Omit<EventRow, 'payload'> & { payload_text: string };

/**
 * `eventFromRow` for a row that selected `payload::text as payload_text`: the payload parsed once.
 * Read as jsonb it is parsed by the driver, then written out and parsed again to restore its
 * bigints; a read of thousands of events (a report's contract trails) spent most of its time so.
 */
export function eventFromTextRow(row: EventTextRow): RecordedEvent {
  return eventWith(row, fromStoredJsonText(row.payload_text));
}

function eventWith(row: Omit<EventRow, 'payload'>, payload: unknown): RecordedEvent {
  return {
    id: row.id,
    recordedAt: row.recorded_at,
    actor: row.actor,
    kind: row.kind,
    stream: row.stream,
    version: row.version,
    payload,
  };
}

/** Whether a stored event is one of `kinds` of the module whose events are `E`; see `eventFromRow`. */
export function isEventOf<E extends AnyEvent>(
  kinds: readonly E['kind'][],
  event: RecordedEvent,
): event is RecordedEvent & Recorded<E> {
  return kinds.some((kind) => kind === event.kind);
}

/** `isEventOf` for the kinds of a projection map (the same trust; see `eventFromRow`). */
function hasKindOf<M>(
  typed: ProjectionMap<M>,
  event: RecordedEvent,
): event is RecordedEvent & MapEvent<M, keyof M & string> {
  return Object.hasOwn(typed, event.kind);
}
