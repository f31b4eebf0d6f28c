-- Pipeline state. A watermark is updated only in the transaction that commits the data it covers.
create table if not exists etl.watermarks (
  source_table      text primary key,
  cursor_updated_at timestamptz not null,
  cursor_id         bigint not null,
  updated_at        timestamptz not null default now(),
  etl_run_id        bigint
);
comment on table etl.watermarks is 'Per source table: the (updated_at, id) cursor up to which the warehouse holds the source';

create table if not exists etl.runs (
  run_id       bigint generated always as identity primary key,
  kind         text not null check (kind in ('incremental', 'backfill')),
  status       text not null check (status in ('running', 'succeeded', 'failed')),
  trigger      text not null default 'cli',
  tables       text[] not null,
  window_from  timestamptz,
  window_to    timestamptz,
  workflow_id  text,
  started_at   timestamptz not null default clock_timestamp(),
  heartbeat_at timestamptz not null default clock_timestamp(),
  finished_at  timestamptz,
  error        text
);
create index if not exists ix_runs_started_at on etl.runs (started_at desc);
comment on table etl.runs is 'One row per pipeline run, whatever started it';

create table if not exists etl.run_steps (
  run_id           bigint not null references etl.runs (run_id),
  step             text not null,
  target           text not null,
  status           text not null check (status in ('running', 'succeeded', 'failed')),
  rows_extracted   bigint not null default 0,
  rows_loaded      bigint not null default 0,
  rows_inserted    bigint not null default 0,
  rows_updated     bigint not null default 0,
  rows_merged      bigint not null default 0,
  rows_deleted     bigint not null default 0,
  watermark_before jsonb,
  watermark_after  jsonb,
  started_at       timestamptz not null default clock_timestamp(),
  finished_at      timestamptz,
  duration_ms      bigint,
  detail           jsonb,
  error            text,
  primary key (run_id, step, target)
);
comment on table etl.run_steps is 'Per run, per step and target: row counts, watermarks before and after, duration';
