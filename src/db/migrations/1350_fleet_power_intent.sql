-- The power each machine is meant to have: its latest soft off or soft on, with no time window
-- (a site curtailed for a week is still meant to be off). Kept by the `fleet.control-requested`
-- projection beside `fleet_controls`, from which it is derived; filled here from the controls
-- already recorded. Read by the alerts (silent while a machine meant off is idle) and by the
-- reconciler (a machine meant off but found hashing is sent the soft off again).
create table fleet_power_intent (
  machine_id bigint primary key,
  -- 'off' (its latest was a soft off) or 'on'.
  wanted text not null check (wanted in ('off', 'on')),
  control_id bigint not null,
  requested_at timestamptz not null,
  actor text not null
);

insert into fleet_power_intent (machine_id, wanted, control_id, requested_at, actor)
select distinct on (machine_id) machine_id,
       case when kind = 'soft-off' then 'off' else 'on' end, id, requested_at, actor
from (
  select (e.v #>> '{}')::bigint as machine_id, c.action ->> 'kind' as kind, c.id, c.requested_at, c.actor
  from fleet_controls c cross join lateral jsonb_array_elements(c.machine_ids) as e(v)
  where c.action ->> 'kind' in ('soft-off', 'soft-on')
) controls
order by machine_id, id desc;

-- The machines meant off, for the reconciler's look after every sweep.
create index fleet_power_intent_off on fleet_power_intent (machine_id) where wanted = 'off';
