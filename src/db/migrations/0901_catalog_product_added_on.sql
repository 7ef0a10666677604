-- The day a product entered the catalogue (a business date, catalog.product-added's addedOn; the
-- event keeps when it was recorded). The catalogue as of a day lists the products added by then.
-- Products recorded before the day was given are in the catalogue from the start (null), as they
-- were: the reports that listed them stay as they were.
alter table products add column added_on date;
