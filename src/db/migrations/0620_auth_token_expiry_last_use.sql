-- A token may carry an expiry, chosen when it is created (part of its auth.token-created event),
-- and says when it was last used. last_used_at is operational, not business history: the
-- authentication writes it, at most once a minute per token, outside the ledger, and a replay of
-- the events leaves it empty.
alter table api_tokens add column expires_at timestamptz;
alter table api_tokens add column last_used_at timestamptz;
