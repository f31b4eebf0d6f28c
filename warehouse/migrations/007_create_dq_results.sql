-- Data-quality results: one row per rule per DQ run, written by dq/ as each rule finishes, so a gate
-- that stops the pipeline leaves behind what it saw.
create sequence if not exists dq.run_id_seq;

create table if not exists dq.results (
  result_id      bigint generated always as identity primary key,
  dq_run_id      bigint not null,
  etl_run_id     bigint,
  rule_name      text not null,
  rule_type      text not null,
  rule_file      text,
  severity       text not null check (severity in ('warn', 'error')),
  target         text not null,
  status         text not null check (status in ('pass', 'warn', 'fail', 'error')),
  observed_value numeric,
  threshold      text,
  failing_count  bigint,
  total_count    bigint,
  duration_ms    integer not null,
  message        text,
  details        jsonb,
  sample_rows    jsonb not null default '[]',
  checked_at     timestamptz not null default clock_timestamp()
);
create index if not exists ix_dq_results_dq_run on dq.results (dq_run_id);
create index if not exists ix_dq_results_etl_run on dq.results (etl_run_id) where etl_run_id is not null;
create index if not exists ix_dq_results_rule on dq.results (rule_name, checked_at desc);

comment on sequence dq.run_id_seq is 'Identifies one execution of the DQ rules (dq.results.dq_run_id)';
comment on table dq.results is 'One row per data-quality rule per DQ run: status, observed value, threshold, failing sample';
comment on column dq.results.result_id is 'Surrogate key';
comment on column dq.results.dq_run_id is 'The DQ run (dq.run_id_seq): all rules checked together';
comment on column dq.results.etl_run_id is 'etl.runs.run_id whose load was checked; null for an ad-hoc techmarket dq run';
comment on column dq.results.rule_name is 'Rule name, unique across the sql/**/*.dq.yml files';
comment on column dq.results.rule_type is 'not_null, unique, accepted_values, relationships, freshness, row_count_reconciliation, sum_reconciliation, scd2_integrity, expression_is_true or custom_sql';
comment on column dq.results.rule_file is 'The .dq.yml file that declares the rule, relative to the repository';
comment on column dq.results.severity is 'warn: recorded, the pipeline continues; error: the pipeline run fails';
comment on column dq.results.target is 'What was checked: a warehouse table (dwh.fact_sales) or a source table (orders.orders)';
comment on column dq.results.status is 'pass; warn (a warn rule failed); fail (an error rule failed); error (the check itself could not run)';
comment on column dq.results.observed_value is 'The measured value: failing rows, failing days, or age in seconds for freshness';
comment on column dq.results.threshold is 'The limit the observed value was held to, as declared (e.g. max_failing 0, mostly 0.99)';
comment on column dq.results.failing_count is 'Rows (or days, keys) that broke the rule';
comment on column dq.results.total_count is 'Rows (or days, keys) the rule looked at';
comment on column dq.results.duration_ms is 'Time the check took';
comment on column dq.results.message is 'One line for people: what was found, or why the check could not run';
comment on column dq.results.details is 'Rule-specific measures, e.g. rows on the unknown member, skipped unsettled days';
comment on column dq.results.sample_rows is 'Up to the sample limit of failing rows, as JSON objects';
comment on column dq.results.checked_at is 'When the check finished';
