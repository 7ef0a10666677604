-- An idempotency key belongs to whoever sent it: two clients that happen to pick the same key no
-- longer receive each other's answers (or a 409 for the other's request).
alter table idempotency_keys add column actor text;
update idempotency_keys k set actor = e.actor from events e where e.id = k.event_id;
alter table idempotency_keys alter column actor set not null;
alter table idempotency_keys drop constraint idempotency_keys_pkey;
alter table idempotency_keys add primary key (actor, key);
