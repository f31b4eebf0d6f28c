import type pg from 'pg';

/** A table whose rows changed by more than this share gets fresh planner statistics. */
const STALE_SHARE = 0.1;

/**
 * Refreshes a table's planner statistics when a load changed a good share of it, or when it has never
 * had any: the models that follow join these tables, and a plan made for an empty table (hashing the
 * big side of a join) cost the fact build 2x at scale. Small changes skip it, so incremental runs stay
 * cheap.
 */
export async function analyzeIfStale(
  client: pg.ClientBase,
  table: string,
  changedRows: number,
): Promise<boolean> {
  if (changedRows === 0) return false;
  const { rows } = await client.query<{ tuples: number }>(
    'select reltuples::float8 as tuples from pg_class where oid = $1::regclass',
    [table],
  );
  const tuples = rows[0]?.tuples ?? -1;
  if (tuples >= 0 && changedRows < tuples * STALE_SHARE) return false;
  await client.query(`analyze ${table}`);
  return true;
}
