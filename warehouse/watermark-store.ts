import type pg from 'pg';
import type { Queryable } from './run-store.ts';

export interface Watermark {
  updatedAt: string;
  id: string;
}

export async function readWatermark(client: Queryable, sourceTable: string): Promise<Watermark | undefined> {
  const { rows } = await client.query<{ updated_at: string; id: string }>(
    `select to_char(cursor_updated_at at time zone 'UTC', 'YYYY-MM-DD HH24:MI:SS.US') as updated_at, cursor_id::text as id
     from etl.watermarks where source_table = $1`,
    [sourceTable],
  );
  const row = rows[0];
  return row ? { updatedAt: row.updated_at, id: row.id } : undefined;
}

/** Moves a watermark forward only (never back), in the caller's transaction. */
export async function advanceWatermark(
  client: pg.ClientBase,
  sourceTable: string,
  watermark: Watermark,
  runId: number,
): Promise<void> {
  await client.query(
    `insert into etl.watermarks (source_table, cursor_updated_at, cursor_id, etl_run_id)
     values ($1, $2::timestamp at time zone 'UTC', $3, $4)
     on conflict (source_table) do update set
       cursor_updated_at = excluded.cursor_updated_at, cursor_id = excluded.cursor_id,
       updated_at = now(), etl_run_id = excluded.etl_run_id
     where (etl.watermarks.cursor_updated_at, etl.watermarks.cursor_id) < (excluded.cursor_updated_at, excluded.cursor_id)`,
    [sourceTable, watermark.updatedAt, watermark.id, runId],
  );
}

export async function resetWatermark(client: Queryable, sourceTable: string): Promise<boolean> {
  const result = await client.query('delete from etl.watermarks where source_table = $1', [sourceTable]);
  return (result.rowCount ?? 0) > 0;
}
