-- No index on fact_sales.customer_key: every changed fact row (a day's status changes rewrite
-- thousands) added an entry on a random leaf page, each written whole to the WAL after a checkpoint —
-- a third of an incremental merge at scale 10 — and nothing here reads the fact by customer key
-- (BI reads by date; the loader and reconciliation by order). A deployment that does can create it again.
drop index if exists dwh.ix_fact_sales_customer;
