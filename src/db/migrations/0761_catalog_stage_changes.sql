-- A product's stage as of a day: every change of stage with the day it took effect (a business
-- date), while the event keeps when it was recorded. The stage as of a day is the last change
-- effective on or before it; a product's first stage (effective_on null) holds from the start.
create table catalog_stage_changes (
  event_id bigint primary key,
  product_id text not null references products (id),
  stage text not null,
  effective_on date
);
create index catalog_stage_changes_product on catalog_stage_changes (product_id, effective_on);

-- The changes recorded before stages had a business date: a product's first stage from the
-- start, each later change from the day it was recorded (UTC), as the projection reads those
-- events; an update that left the stage as it was is no change.
insert into catalog_stage_changes (event_id, product_id, stage, effective_on)
select id, product_id, stage, effective_on
from (
  select e.id,
    coalesce(e.payload ->> 'id', e.payload -> 'product' ->> 'id') as product_id,
    coalesce(e.payload ->> 'stage', e.payload -> 'product' ->> 'stage') as stage,
    case when e.kind = 'catalog.product-added' then null
      else (e.recorded_at at time zone 'UTC')::date end as effective_on,
    lag(coalesce(e.payload ->> 'stage', e.payload -> 'product' ->> 'stage')) over (
      partition by coalesce(e.payload ->> 'id', e.payload -> 'product' ->> 'id') order by e.id
    ) as stage_before
  from events e
  where e.kind in ('catalog.product-added', 'catalog.product-updated')
) changes
where stage_before is distinct from stage;
