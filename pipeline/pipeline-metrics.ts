import type { Pool as MysqlPool, RowDataPacket } from 'mysql2/promise';
import { Counter, Gauge, type Registry } from 'prom-client';
import type { SourceDatabase } from '../core/config.ts';
import { childLogger } from '../core/logger.ts';
import type { Queryable } from '../warehouse/index.ts';
import { qualifiedName, SOURCE_TABLES, type SourceTable } from './source-tables.ts';

/**
 * The pipeline's figures, read from the warehouse's own records (etl.runs, etl.run_steps,
 * etl.watermarks, dq.results) when they are collected. The records are the truth for runs made by
 * any process (worker, `--local`, backfill), so the worker's /metrics and a `--local` run's push show
 * the same series, and a process restart loses nothing: the counters are sums over the records and
 * so never go back. Timestamps, not ages, are exported, so a value pushed once stays correct
 * (alerts compute `time() - …`). Every series carries `warehouse` (the database name): a test's
 * scratch warehouse never mixes with the platform's.
 */
export interface PipelineMetricsSource {
  warehouse: Queryable;
  /** The warehouse database's name, the `warehouse` label. */
  warehouseName: string;
  /** The sources through the ETL's account, for watermark lag; without it lag is not exported. */
  source?: (database: SourceDatabase) => MysqlPool;
  sourceTables?: readonly SourceTable[];
}

const RUN_KINDS = ['incremental', 'backfill', 'cdc'] as const;
const RUN_STATUSES = ['succeeded', 'failed'] as const;
const DQ_SEVERITIES = ['warn', 'error'] as const;
const DQ_STATUSES = ['pass', 'warn', 'fail', 'error'] as const;
const log = childLogger({ component: 'pipeline-metrics' });
/** Collections within this long of each other share one read of the warehouse. */
const SNAPSHOT_REUSE_MS = 1000;

interface Snapshot {
  runs: {
    kind: string;
    status: string;
    runs: number;
    last_finished: number | null;
    last_seconds: number | null;
    total_seconds: number;
  }[];
  running: number;
  steps: { step: string; target: string; seconds: number }[];
  tables: { table: string; extracted: number; loaded: number; last_loaded: number | null }[];
  lag: { table: string; seconds: number }[];
  dqLast: { severity: string; status: string; rules: number }[];
  dqLastAt: number | null;
  dqTotals: { severity: string; status: string; results: number }[];
  cdc: { table: string; events: number; lag_seconds: number | null; last_applied: number | null }[];
}

async function newestInSource(pool: MysqlPool, table: SourceTable): Promise<string | null> {
  const [rows] = await pool.query<RowDataPacket[]>(
    `SELECT DATE_FORMAT(MAX(\`${table.cursorColumn}\`), '%Y-%m-%d %H:%i:%s.%f') AS newest FROM \`${table.table}\``,
  );
  return (rows[0]?.newest as string | null) ?? null;
}

async function readSnapshot(source: PipelineMetricsSource): Promise<Snapshot> {
  const db = source.warehouse;
  const runs = await db.query(
    `select kind, status, count(*)::int as runs,
            extract(epoch from max(finished_at))::float as last_finished,
            (array_agg(extract(epoch from finished_at - started_at)::float order by finished_at desc nulls last))[1] as last_seconds,
            coalesce(sum(extract(epoch from finished_at - started_at)), 0)::float as total_seconds
     from etl.runs where status <> 'running' group by kind, status`,
  );
  const running = await db.query(`select count(*)::int as n from etl.runs where status = 'running'`);
  // The steps of the newest finished watermark run: what the last run spent its time on (CDC
  // micro-batches, one or two a second, would otherwise hide it; their durations are the runs' own).
  const steps = await db.query(
    `select step, target, coalesce(duration_ms, 0)::float / 1000 as seconds from etl.run_steps
     where run_id = (select max(run_id) from etl.runs where status <> 'running' and kind <> 'cdc')
       and status = 'succeeded'`,
  );
  const tables = await db.query(
    `select s.target as table,
            coalesce(sum(s.rows_extracted) filter (where s.step = 'extract'), 0)::float as extracted,
            coalesce(sum(s.rows_merged) filter (where s.step = 'merge'), 0)::float as loaded,
            extract(epoch from max(s.finished_at) filter (where s.step = 'extract'))::float as last_loaded
     from etl.run_steps s join etl.runs r using (run_id)
     where r.status = 'succeeded' and s.status = 'succeeded' and s.step in ('extract', 'merge')
     group by s.target`,
  );
  const dqLast = await db.query(
    `select severity, status, count(*)::int as rules, extract(epoch from max(checked_at))::float as at
     from dq.results where dq_run_id = (select max(dq_run_id) from dq.results) group by severity, status`,
  );
  const dqTotals = await db.query(
    `select severity, status, count(*)::float as results from dq.results group by severity, status`,
  );
  const cdc = await db.query(
    `select source_table as table, events_applied::float as events, lag_ms::float / 1000 as lag_seconds,
            extract(epoch from last_applied_at)::float as last_applied
     from etl.cdc_table_status where source_table <> '*'`,
  );
  const lag: Snapshot['lag'] = [];
  if (source.source) {
    const watermarks = await db.query(
      `select source_table, extract(epoch from cursor_updated_at)::float as cursor from etl.watermarks`,
    );
    const cursorOf = new Map(watermarks.rows.map((r) => [r.source_table as string, r.cursor as number]));
    for (const table of source.sourceTables ?? SOURCE_TABLES) {
      const cursor = cursorOf.get(qualifiedName(table));
      if (cursor === undefined) continue;
      // A source that cannot be asked leaves its lag out rather than failing the whole scrape.
      const newest = await newestInSource(source.source(table.database as SourceDatabase), table).catch(
        () => undefined,
      );
      if (newest === undefined) continue;
      const newestSeconds = newest === null ? cursor : Date.parse(`${newest.replace(' ', 'T')}Z`) / 1000;
      lag.push({ table: qualifiedName(table), seconds: Math.max(0, newestSeconds - cursor) });
    }
  }
  return {
    runs: runs.rows,
    running: running.rows[0]?.n ?? 0,
    steps: steps.rows,
    tables: tables.rows,
    lag,
    dqLast: dqLast.rows,
    dqLastAt: dqLast.rows.reduce<number | null>((at, r) => Math.max(at ?? 0, r.at as number), null),
    dqTotals: dqTotals.rows,
    cdc: cdc.rows,
  };
}

type Labels = Record<string, string>;
/** Fills one series set from a snapshot: `put(labels, value)` once per series. */
type Fill = (s: Snapshot, put: (labels: Labels, value: number) => void) => void;

/** Every kind × status pair, 0 where none is recorded, so `increase()` and absent-checks see them all. */
const byKindAndStatus =
  (pick: (row: Snapshot['runs'][number] | undefined) => number): Fill =>
  (s, put) => {
    for (const kind of RUN_KINDS)
      for (const status of RUN_STATUSES)
        put({ kind, status }, pick(s.runs.find((r) => r.kind === kind && r.status === status)));
  };

/**
 * Registers the pipeline's metrics on `registry`; each collection reads the warehouse once (shared
 * by all of them). A warehouse that cannot be read (down, not migrated yet) leaves these series out
 * and sets techmarket_etl_records_readable to 0, rather than failing the whole scrape: the process's
 * other metrics still matter then. Each collection starts from no series, so a table or step gone
 * since the last one does not linger.
 */
export function registerPipelineMetrics(registry: Registry, source: PipelineMetricsSource): void {
  let cached: { at: number; snapshot: Promise<Snapshot | undefined> } | undefined;
  const snapshot = (): Promise<Snapshot | undefined> => {
    if (!cached || Date.now() - cached.at > SNAPSHOT_REUSE_MS) {
      cached = {
        at: Date.now(),
        snapshot: readSnapshot(source).catch((error: Error) => {
          log.warn({ err: error.message }, 'pipeline metrics: the warehouse records cannot be read');
          return undefined;
        }),
      };
    }
    return cached.snapshot;
  };
  const warehouse = source.warehouseName;
  const registers = [registry];

  /**
   * One metric read from the snapshot at collection time. Counters are sums over the records, so
   * they are set (by one inc from zero after the reset), never accumulated across scrapes.
   */
  const series = (type: 'counter' | 'gauge', name: string, help: string, labels: string[], fill: Fill) => {
    const labelNames = ['warehouse', ...labels];
    const put = (metric: Counter | Gauge) => (l: Labels, value: number) =>
      metric instanceof Counter
        ? metric.inc({ warehouse, ...l }, value)
        : metric.set({ warehouse, ...l }, value);
    const collect = async function (this: Counter | Gauge) {
      this.reset();
      const s = await snapshot();
      if (s) fill(s, put(this));
    };
    if (type === 'counter') new Counter({ name, help, labelNames, registers, collect });
    else new Gauge({ name, help, labelNames, registers, collect });
  };

  new Gauge({
    name: 'techmarket_etl_records_readable',
    help: 'Whether the warehouse records the pipeline metrics come from could be read (1) or not (0)',
    labelNames: ['warehouse'] as const,
    registers,
    async collect() {
      this.reset();
      this.set({ warehouse }, (await snapshot()) ? 1 : 0);
    },
  });

  series(
    'counter',
    'techmarket_etl_runs_total',
    'Finished pipeline runs, by kind (incremental, backfill, cdc: one per micro-batch) and status (succeeded, failed)',
    ['kind', 'status'],
    byKindAndStatus((row) => row?.runs ?? 0),
  );
  series(
    'gauge',
    'techmarket_etl_run_last_finished_timestamp_seconds',
    'When the newest run of a kind with that status finished (Unix seconds; 0 when none has)',
    ['kind', 'status'],
    byKindAndStatus((row) => row?.last_finished ?? 0),
  );
  series(
    'gauge',
    'techmarket_etl_run_last_duration_seconds',
    'How long the newest finished run of a kind with that status took (kind cdc: the last micro-batch)',
    ['kind', 'status'],
    (s, put) => {
      for (const row of s.runs)
        if (row.last_seconds !== null) put({ kind: row.kind, status: row.status }, row.last_seconds);
    },
  );
  series(
    'counter',
    'techmarket_etl_run_seconds_total',
    'Time spent by finished runs, by kind and status: divided by techmarket_etl_runs_total, the mean run (cdc: batch) duration',
    ['kind', 'status'],
    byKindAndStatus((row) => row?.total_seconds ?? 0),
  );
  series('gauge', 'techmarket_etl_runs_running', 'Pipeline runs recorded as running now', [], (s, put) =>
    put({}, s.running),
  );
  series(
    'gauge',
    'techmarket_etl_step_last_duration_seconds',
    'Duration of each step of the newest finished watermark run (extract and merge per table, transform per model)',
    ['step', 'target'],
    (s, put) => {
      for (const row of s.steps) put({ step: row.step, target: row.target }, row.seconds);
    },
  );
  series(
    'counter',
    'techmarket_etl_rows_extracted_total',
    'Rows extracted from a source table by succeeded runs (CDC micro-batches count their events)',
    ['table'],
    (s, put) => {
      for (const row of s.tables) put({ table: row.table }, row.extracted);
    },
  );
  series(
    'counter',
    'techmarket_etl_rows_loaded_total',
    'Rows merged into a source table’s staging mirror by succeeded runs',
    ['table'],
    (s, put) => {
      for (const row of s.tables) put({ table: row.table }, row.loaded);
    },
  );
  series(
    'gauge',
    'techmarket_etl_table_last_loaded_timestamp_seconds',
    'When a source table was last extracted by a run that succeeded: the warehouse’s freshness',
    ['table'],
    (s, put) => {
      for (const row of s.tables) if (row.last_loaded !== null) put({ table: row.table }, row.last_loaded);
    },
  );
  series(
    'gauge',
    'techmarket_etl_watermark_lag_seconds',
    'The source table’s newest change minus its watermark (0 when caught up, however old the rows)',
    ['table'],
    (s, put) => {
      for (const row of s.lag) put({ table: row.table }, row.seconds);
    },
  );
  series(
    'counter',
    'techmarket_etl_cdc_events_applied_total',
    'Change events the CDC consumer applied to a source table’s warehouse tables (from etl.cdc_table_status)',
    ['table'],
    (s, put) => {
      for (const row of s.cdc) put({ table: row.table }, row.events);
    },
  );
  series(
    'gauge',
    'techmarket_etl_cdc_lag_seconds',
    'Source commit to warehouse commit of the newest change in the last CDC micro-batch of a table',
    ['table'],
    (s, put) => {
      for (const row of s.cdc) if (row.lag_seconds !== null) put({ table: row.table }, row.lag_seconds);
    },
  );
  series(
    'gauge',
    'techmarket_etl_cdc_last_applied_timestamp_seconds',
    'When the CDC consumer last committed a micro-batch with changes of a table (Unix seconds)',
    ['table'],
    (s, put) => {
      for (const row of s.cdc) if (row.last_applied !== null) put({ table: row.table }, row.last_applied);
    },
  );
  series(
    'gauge',
    'techmarket_dq_last_gate_rules',
    'Rules of the newest data-quality run, by severity and status (pass, warn, fail, error)',
    ['severity', 'status'],
    (s, put) => {
      for (const severity of DQ_SEVERITIES)
        for (const status of DQ_STATUSES) {
          const row = s.dqLast.find((r) => r.severity === severity && r.status === status);
          put({ severity, status }, row?.rules ?? 0);
        }
    },
  );
  series(
    'gauge',
    'techmarket_dq_last_gate_timestamp_seconds',
    'When the newest data-quality run finished its last rule (0 when none ran)',
    [],
    (s, put) => put({}, s.dqLastAt ?? 0),
  );
  series(
    'counter',
    'techmarket_dq_rule_results_total',
    'Data-quality rule results ever recorded, by severity and status',
    ['severity', 'status'],
    (s, put) => {
      for (const severity of DQ_SEVERITIES)
        for (const status of DQ_STATUSES) {
          const row = s.dqTotals.find((r) => r.severity === severity && r.status === status);
          put({ severity, status }, row?.results ?? 0);
        }
    },
  );
}

/** The warehouse database's name from its URL (the `warehouse` label). */
export function warehouseName(dwhUrl: string): string {
  return decodeURIComponent(new URL(dwhUrl).pathname.replace(/^\//, '')) || 'postgres';
}
