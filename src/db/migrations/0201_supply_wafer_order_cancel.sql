-- A wafer order not yet out of the fab can be cancelled: it stays, marked, with when and why.
alter table supply_wafer_orders drop constraint supply_wafer_orders_status_check;
alter table supply_wafer_orders
  add constraint supply_wafer_orders_status_check check (status in ('placed', 'out', 'received', 'cancelled'));
alter table supply_wafer_orders add column cancelled_month text;
alter table supply_wafer_orders add column cancel_reason text;
