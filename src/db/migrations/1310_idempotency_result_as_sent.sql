-- The first answer to a keyed write is kept as the text it was written as (json), not as jsonb,
-- which orders an object's keys its own way: a retry's answer listed the fields of a payment's
-- event payload in another order than the first answer had (the same content, not the same bytes).
alter table idempotency_keys alter column result type json using result::json;
