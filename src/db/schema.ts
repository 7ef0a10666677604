import type { ColumnType, Generated, JSONColumnType } from 'kysely';

/** Tables owned by the foundation (ledger and access control). Modules declare their own. */
export interface CoreTables {
  events: {
    id: Generated<bigint>;
    recorded_at: Date;
    actor: string;
    kind: string;
    stream: string;
    version: number;
    payload: ColumnType<unknown, string, string>;
    counters: JSONColumnType<Record<string, number>, string, string>;
    /** The recording transaction's number (`xid8` as text; null before migration 1050): src/ledger/latest.ts. */
    tx: Generated<string | null>;
  };
  idempotency_keys: {
    actor: string;
    key: string;
    request_hash: string;
    event_id: bigint;
    result: ColumnType<unknown, string, string>;
  };
  counters: { name: string; value: bigint };
  api_tokens: {
    id: bigint;
    name: string;
    role: string;
    token_hash: string;
    created_at: Date;
    revoked_at: Date | null;
    expires_at: Generated<Date | null>;
    /** Operational: written by authentication outside the ledger (auth/tokens.ts). */
    last_used_at: Generated<Date | null>;
  };
  schema_migrations: { name: string; applied_at: Date };
}
