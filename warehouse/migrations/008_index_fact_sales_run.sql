-- What one run wrote: the data-quality gate after an incremental run checks only those rows, and
-- operators ask the same question when auditing a run.
create index if not exists ix_fact_sales_etl_run on dwh.fact_sales (etl_run_id);
