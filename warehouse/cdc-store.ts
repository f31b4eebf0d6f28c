import type pg from 'pg';
import type { Queryable } from './run-store.ts';

/** Which path feeds a source table, and where its last switch happened. */
export interface TableModeRecord {
  sourceTable: string;
  mode: 'watermark' | 'cdc';
  position: Record<string, unknown> | null;
  switchedAt: string;
}

export async function readTableModes(db: Queryable): Promise<Map<string, TableModeRecord>> {
  const { rows } = await db.query<{
    source_table: string;
    mode: 'watermark' | 'cdc';
    position: null;
    at: string;
  }>(
    `select source_table, mode, position, to_char(switched_at at time zone 'UTC', 'YYYY-MM-DD HH24:MI:SS.US') as at
     from etl.table_modes`,
  );
  return new Map(
    rows.map((r) => [
      r.source_table,
      { sourceTable: r.source_table, mode: r.mode, position: r.position, switchedAt: r.at },
    ]),
  );
}

/** Records a table's mode in the caller's transaction (the switch commits with what it hands over). */
export async function writeTableMode(
  client: pg.ClientBase,
  sourceTable: string,
  mode: 'watermark' | 'cdc',
  position: Record<string, unknown>,
): Promise<void> {
  await client.query(
    `insert into etl.table_modes (source_table, mode, position, switched_at) values ($1, $2, $3, now())
     on conflict (source_table) do update set mode = excluded.mode, position = excluded.position, switched_at = now()`,
    [sourceTable, mode, JSON.stringify(position)],
  );
}

/** The next offset to apply per `topic:partition`, as the warehouse last committed it. */
export async function readCdcOffsets(
  db: Queryable,
  topics?: readonly string[],
): Promise<Map<string, bigint>> {
  const { rows } = await db.query<{ topic: string; partition: number; next_offset: string }>(
    `select topic, partition, next_offset::text from etl.cdc_offsets
     where $1::text[] is null or topic = any($1::text[])`,
    [topics ?? null],
  );
  return new Map(rows.map((r) => [`${r.topic}:${r.partition}`, BigInt(r.next_offset)]));
}

/** Stores next offsets in the caller's transaction; an offset never moves back. */
export async function writeCdcOffsets(
  client: pg.ClientBase,
  offsets: readonly { topic: string; partition: number; nextOffset: bigint }[],
): Promise<void> {
  if (offsets.length === 0) return;
  await client.query(
    `insert into etl.cdc_offsets (topic, partition, next_offset)
     select * from unnest($1::text[], $2::int[], $3::bigint[])
     on conflict (topic, partition) do update set next_offset = greatest(etl.cdc_offsets.next_offset, excluded.next_offset),
       updated_at = now()`,
    [
      offsets.map((o) => o.topic),
      offsets.map((o) => o.partition),
      offsets.map((o) => o.nextOffset.toString()),
    ],
  );
}

/** Sets the next offsets outright (a switch to CDC starts a table's topic where the hand-over says). */
export async function resetCdcOffsets(
  client: pg.ClientBase,
  offsets: readonly { topic: string; partition: number; nextOffset: bigint }[],
): Promise<void> {
  for (const o of offsets) {
    await client.query(
      `insert into etl.cdc_offsets (topic, partition, next_offset) values ($1, $2, $3)
       on conflict (topic, partition) do update set next_offset = excluded.next_offset, updated_at = now()`,
      [o.topic, o.partition, o.nextOffset.toString()],
    );
  }
}

export interface CdcAppliedRecord {
  sourceTable: string;
  events: number;
  /** The newest source commit time among the batch's events (UTC text), for the lag. */
  lastSourceAt: string | null;
  binlogPosition: Record<string, unknown> | null;
}

/** Per table, in the batch's transaction: applied now, with the lag from its newest source commit. */
export async function writeCdcApplied(client: pg.ClientBase, records: readonly CdcAppliedRecord[]) {
  for (const r of records) {
    await client.query(
      `insert into etl.cdc_table_status (source_table, last_applied_at, last_source_at, lag_ms, events_applied, binlog_position)
       values ($1, clock_timestamp(), $2::timestamp at time zone 'UTC',
               (extract(epoch from clock_timestamp() - ($2::timestamp at time zone 'UTC')) * 1000)::bigint, $3, $4)
       on conflict (source_table) do update set
         last_applied_at = excluded.last_applied_at,
         last_source_at = coalesce(excluded.last_source_at, etl.cdc_table_status.last_source_at),
         lag_ms = coalesce(excluded.lag_ms, etl.cdc_table_status.lag_ms),
         events_applied = etl.cdc_table_status.events_applied + excluded.events_applied,
         binlog_position = coalesce(excluded.binlog_position, etl.cdc_table_status.binlog_position)`,
      [r.sourceTable, r.lastSourceAt, r.events, r.binlogPosition ? JSON.stringify(r.binlogPosition) : null],
    );
  }
}

/** The last error met while feeding a table (or '*' for the consumer as a whole). */
export async function writeCdcError(db: Queryable, sourceTable: string, message: string): Promise<void> {
  await db.query(
    `insert into etl.cdc_table_status (source_table, last_error, last_error_at) values ($1, $2, clock_timestamp())
     on conflict (source_table) do update set last_error = excluded.last_error, last_error_at = excluded.last_error_at`,
    [sourceTable, message],
  );
}

export interface CdcTableStatus {
  source_table: string;
  last_applied_at: string | null;
  lag_ms: number | null;
  events_applied: number;
  last_error: string | null;
  last_error_at: string | null;
  binlog_position: Record<string, unknown> | null;
}

export async function readCdcStatus(db: Queryable): Promise<Map<string, CdcTableStatus>> {
  const { rows } = await db.query<CdcTableStatus>(
    `select source_table,
            to_char(last_applied_at at time zone 'UTC', 'YYYY-MM-DD HH24:MI:SS') as last_applied_at,
            lag_ms::float8 as lag_ms, events_applied::float8 as events_applied, last_error,
            to_char(last_error_at at time zone 'UTC', 'YYYY-MM-DD HH24:MI:SS') as last_error_at, binlog_position
     from etl.cdc_table_status`,
  );
  return new Map(rows.map((r) => [r.source_table, r]));
}

/** The tables a CDC load applied (a catch-up load learns them batch by batch). */
export async function setRunTables(
  client: pg.ClientBase,
  runId: number,
  tables: readonly string[],
): Promise<void> {
  await client.query('update etl.runs set tables = $2 where run_id = $1', [runId, tables]);
}

/**
 * Records one CDC load (one or more micro-batches) as a run of kind 'cdc' (the transforms find its rows by run id). Not
 * through beginRun: CDC batches run beside watermark runs, never instead of them; the caller holds
 * the run's liveness lock (holdRunLock) so a watermark run never takes it for abandoned.
 */
export async function beginCdcRun(client: pg.ClientBase, tables: readonly string[]): Promise<number> {
  const { rows } = await client.query<{ run_id: string }>(
    `insert into etl.runs (kind, status, trigger, tables) values ('cdc', 'running', 'cdc', $1) returning run_id`,
    [tables],
  );
  return Number(rows[0]!.run_id);
}
