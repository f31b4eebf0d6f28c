import { mirrorTable, type Queryable } from '../warehouse/index.ts';
import { qualifiedName, SOURCE_TABLES } from './source-tables.ts';

export interface EtlStatus {
  runs: {
    run_id: number;
    kind: string;
    status: string;
    trigger: string;
    started_at: string;
    seconds: number | null;
    rows_extracted: number;
    error: string | null;
  }[];
  tables: {
    table: string;
    watermark: string | null;
    /** How far the watermark is behind now, in seconds. */
    lag_seconds: number | null;
    rows: number;
    deleted: number;
  }[];
}

/** Last runs and, per source table, its watermark, lag and warehouse row counts. */
export async function etlStatus(db: Queryable, limit = 10): Promise<EtlStatus> {
  const { rows: runs } = await db.query(
    `select r.run_id::int, r.kind, r.status, r.trigger, to_char(r.started_at, 'YYYY-MM-DD HH24:MI:SS') as started_at,
            round(extract(epoch from r.finished_at - r.started_at)::numeric, 1)::float as seconds,
            coalesce((select sum(rows_extracted) from etl.run_steps s where s.run_id = r.run_id and s.step = 'extract'), 0)::bigint::int as rows_extracted,
            r.error
     from etl.runs r order by r.run_id desc limit $1`,
    [limit],
  );
  const tables: EtlStatus['tables'] = [];
  for (const table of SOURCE_TABLES) {
    const name = qualifiedName(table);
    const { rows } = await db.query(
      `select to_char(w.cursor_updated_at at time zone 'UTC', 'YYYY-MM-DD HH24:MI:SS.US') as watermark,
              round(extract(epoch from now() - w.cursor_updated_at))::int as lag_seconds
       from etl.watermarks w where w.source_table = $1`,
      [name],
    );
    const { rows: exists } = await db.query('select to_regclass($1) is not null as present', [
      mirrorTable(table.database, table.table),
    ]);
    let count = { rows: 0, deleted: 0 };
    if (exists[0]?.present) {
      const { rows: counts } = await db.query(
        `select count(*) filter (where _deleted_at is null)::int as rows, count(*) filter (where _deleted_at is not null)::int as deleted
         from ${mirrorTable(table.database, table.table)}`,
      );
      count = counts[0] as typeof count;
    }
    tables.push({
      table: name,
      watermark: rows[0]?.watermark ?? null,
      lag_seconds: rows[0]?.lag_seconds ?? null,
      ...count,
    });
  }
  return { runs: runs as EtlStatus['runs'], tables };
}
