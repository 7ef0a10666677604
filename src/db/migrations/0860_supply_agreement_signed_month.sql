-- The month an agreement was signed, a business date: a past month's chip-order recommendation
-- knows only the agreements signed by then. Agreements recorded before it was asked for are dated
-- as the projection dates their events: signed by their start month at the latest, and no later
-- than they were recorded (UTC).
alter table supply_agreements add column signed_month text;
update supply_agreements
set signed_month = least(start_month, to_char(signed_at at time zone 'UTC', 'YYYY-MM'));
alter table supply_agreements alter column signed_month set not null;
