import type { Pool as MysqlPool, RowDataPacket } from 'mysql2/promise';
import type { SourceDatabase } from '../core/config.ts';
import { mirrorTable, type Queryable } from '../warehouse/index.ts';
import { qualifiedName, SOURCE_TABLES, type SourceTable } from './source-tables.ts';

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
    /** When an extract of the table last succeeded (UTC). */
    last_extract: string | null;
    /**
     * How far the warehouse is behind the source: the source's newest cursor minus the watermark, in
     * seconds, 0 when caught up; null when the source could not be asked or nothing was loaded yet.
     * (Not now minus the watermark: a table nobody writes to is not behind.)
     */
    lag_seconds: number | null;
    rows: number;
    deleted: number;
  }[];
}

/** The source's newest cursor value as UTC text, or null when the source cannot say. */
async function newestInSource(
  source: ((database: SourceDatabase) => MysqlPool) | undefined,
  table: SourceTable,
): Promise<string | null> {
  if (!source) return null;
  try {
    const [rows] = await source(table.database).query<RowDataPacket[]>(
      `SELECT DATE_FORMAT(MAX(\`${table.cursorColumn}\`), '%Y-%m-%d %H:%i:%s.%f') AS newest FROM \`${table.table}\``,
    );
    return (rows[0]?.newest as string | null) ?? null;
  } catch {
    return null;
  }
}

/**
 * Last runs and, per source table, its watermark, when it was last extracted, how far it is behind
 * its source (when `source` can reach the sources) and the warehouse's row counts.
 */
export async function etlStatus(
  db: Queryable,
  limit = 10,
  source?: (database: SourceDatabase) => MysqlPool,
): Promise<EtlStatus> {
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
    const newest = await newestInSource(source, table);
    const { rows } = await db.query(
      `select to_char(w.cursor_updated_at at time zone 'UTC', 'YYYY-MM-DD HH24:MI:SS.US') as watermark,
              -- greatest() skips nulls: an unknown newest row must stay unknown
              case when $2::timestamp is not null
                then greatest(0, round(extract(epoch from ($2::timestamp at time zone 'UTC') - w.cursor_updated_at)))::int
              end as lag_seconds,
              (select to_char(max(s.finished_at) at time zone 'UTC', 'YYYY-MM-DD HH24:MI:SS') from etl.run_steps s
               where s.step = 'extract' and s.target = $1 and s.status = 'succeeded') as last_extract
       from (select $1::text as source_table) t
       left join etl.watermarks w on w.source_table = t.source_table`,
      [name, newest],
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
      last_extract: rows[0]?.last_extract ?? null,
      lag_seconds: rows[0]?.lag_seconds ?? null,
      ...count,
    });
  }
  return { runs: runs as EtlStatus['runs'], tables };
}
