import type pg from 'pg';
import { expect } from 'vitest';
import { SOURCE_TABLES } from '../../../pipeline/index.ts';
import { mirrorTable } from '../../../warehouse/index.ts';
import { starSchemaDigest } from '../../support/warehouse-checks.ts';

/** Must equal warehouse/run-store.ts's RUN_LOCK_CLASS: the advisory lock a live in-process run holds. */
const RUN_LOCK_CLASS = 7_100;

/** What a failed run must not have changed: the star schema, the mirrors' rows and the watermarks. */
export interface WarehouseState {
  star: Record<string, string>;
  mirrors: string;
  watermarks: unknown[];
}

export async function warehouseState(db: pg.Pool): Promise<WarehouseState> {
  const counts: string[] = [];
  for (const t of SOURCE_TABLES) {
    const { rows } = await db
      .query<{ n: number }>(`select count(*)::int as n from ${mirrorTable(t.database, t.table)}`)
      .catch(() => ({ rows: [{ n: 0 }] })); // not made yet: as empty as a mirror made by a failed run
    counts.push(`${t.database}.${t.table}=${rows[0]!.n}`);
  }
  const { rows: watermarks } = await db.query(
    'select source_table, cursor_updated_at::text, cursor_id::text from etl.watermarks order by source_table',
  );
  return { star: await starSchemaDigest(db), mirrors: counts.join(','), watermarks };
}

/** The newest run's id and status, read over a direct connection. */
export async function lastRun(db: pg.Pool): Promise<{ runId: number; status: string; error: string | null }> {
  const { rows } = await db.query<{ run_id: number; status: string; error: string | null }>(
    'select run_id::int, status, error from etl.runs order by run_id desc limit 1',
  );
  return { runId: rows[0]!.run_id, status: rows[0]!.status, error: rows[0]!.error };
}

/**
 * The run's liveness lock is free: its session ended with the broken connection. PostgreSQL notices a
 * vanished client within client_connection_check_interval (1 s), so this waits a little for it.
 */
export async function expectRunLockReleased(db: pg.Pool, runId: number): Promise<void> {
  let held = -1;
  for (let attempt = 0; attempt < 40; attempt++) {
    const { rows } = await db.query<{ n: number }>(
      `select count(*)::int as n from pg_locks
       where locktype = 'advisory' and classid = $1 and objid = $2 and granted`,
      [RUN_LOCK_CLASS, runId],
    );
    held = rows[0]!.n;
    if (held === 0) return;
    await new Promise((r) => setTimeout(r, 250));
  }
  expect(held, `run ${runId}'s lock is still held`).toBe(0);
}

/** Batch tables (stg.*__r<id>) of one run still in the warehouse. */
export async function runBatchTables(db: pg.Pool, runId: number): Promise<string[]> {
  const { rows } = await db.query<{ t: string }>(
    `select tablename as t from pg_tables where schemaname = 'stg' and tablename ~ $1 order by 1`,
    [`__r${runId}$`],
  );
  return rows.map((r) => r.t);
}
