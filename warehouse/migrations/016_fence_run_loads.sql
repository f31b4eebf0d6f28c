-- Fencing of a run's load (docs/decisions/0020-fencing-stale-load-attempts.md). Each attempt at a
-- run's load takes the next load_attempt before it starts and checks it inside its transaction, so an
-- attempt an orchestrator has already retried (its worker paused past the heartbeat timeout) cannot
-- commit after the newer one began. load_backend_* name the latest attempt's session, so a newer
-- attempt can end a stale one still holding the load's locks. load_result is the committed load's
-- summary, written in its transaction: a retry of a load that committed returns it, loading nothing.
alter table etl.runs add column if not exists load_attempt int not null default 0;
alter table etl.runs add column if not exists load_backend_pid int;
alter table etl.runs add column if not exists load_backend_started timestamptz;
alter table etl.runs add column if not exists load_result jsonb;
comment on column etl.runs.load_attempt is 'The latest attempt at this run''s load; only that attempt may commit it';
comment on column etl.runs.load_backend_pid is 'PostgreSQL backend pid of the latest load attempt''s session';
comment on column etl.runs.load_backend_started is 'backend_start of that session (a pid alone may be reused)';
comment on column etl.runs.load_result is 'The committed load''s summary (rows per target); set in the load''s transaction';
