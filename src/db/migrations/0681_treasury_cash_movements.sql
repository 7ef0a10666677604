-- Cash the company records itself in a USD account (opening balance, capex, opex, ...): source
-- 'cash', with the category it belongs to. Customer receipts and refunds (sales) and energy bills
-- (mining) are not copied here: the treasury reads them from their own modules.
alter table treasury_movements drop constraint treasury_movements_source_check;
alter table treasury_movements add constraint treasury_movements_source_check
  check (source in ('payout', 'sale', 'transfer', 'cash'));
alter table treasury_movements add column category text;
alter table treasury_movements add constraint treasury_movements_cash_category
  check ((source = 'cash') = (category is not null));
