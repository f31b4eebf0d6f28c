-- The CDC path's state, kept in the warehouse so it commits with the data it describes.

-- Which path feeds each source table. No row: the mode configured in pipeline/source-tables.ts.
-- `position` is where the hand-over happened: the watermark and the Kafka offsets the CDC side starts
-- after (watermark → cdc), or the binlog position of the last event CDC applied (cdc → watermark).
create table if not exists etl.table_modes (
  source_table text primary key,
  mode         text not null check (mode in ('watermark', 'cdc')),
  position     jsonb,
  switched_at  timestamptz not null default now()
);
comment on table etl.table_modes is 'Per source table: the path that feeds it (watermark or cdc) and where the last switch happened';

-- The authority on what the consumer has applied: the next offset to apply per topic partition,
-- written in the transaction that commits the data. Kafka's committed offsets are only a hint.
create table if not exists etl.cdc_offsets (
  topic       text not null,
  partition   int not null,
  next_offset bigint not null,
  updated_at  timestamptz not null default now(),
  primary key (topic, partition)
);
comment on table etl.cdc_offsets is 'Per Kafka topic partition: the next offset the CDC consumer will apply (committed with the data)';

-- Per source table fed through CDC: when it was last applied, the lag of that batch, the last error.
create table if not exists etl.cdc_table_status (
  source_table      text primary key,
  last_applied_at   timestamptz,
  last_source_at    timestamptz,
  lag_ms            bigint,
  events_applied    bigint not null default 0,
  last_error        text,
  last_error_at     timestamptz,
  binlog_position   jsonb
);
comment on table etl.cdc_table_status is 'Per source table fed by CDC: last apply, its source-commit-to-warehouse lag, events applied, last error';

-- Micro-batches of the CDC consumer are recorded as runs of their own kind.
alter table etl.runs drop constraint if exists runs_kind_check;
alter table etl.runs add constraint runs_kind_check check (kind in ('incremental', 'backfill', 'cdc'));
