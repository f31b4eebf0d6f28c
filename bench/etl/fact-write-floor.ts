import { createWarehousePool } from '../../warehouse/index.ts';
import { type Phase, timedPhase } from '../machine-cpu.ts';

export interface FactWriteFloor {
  rows: number;
  /** INSERT … SELECT of the built fact into an empty copy without indexes: no joins, no checks. */
  write: Phase;
  /** The fact's own indexes (its primary key included) built on that copy. */
  indexes: Phase;
  /** One count over the copy, parallel workers allowed: the least a gate over the fact reads. */
  scan: Phase;
  /**
   * One GROUP BY of the copy by day and region with the rollups' sums, into a temp table: the least
   * one of the first load's four rollups costs (they also flag each order's first line, by a sort).
   */
  oneRollup: Phase;
}

/**
 * What writing a first load's fact costs at the least, on the warehouse a first load just built:
 * its rows copied as they are into a table created in the same transaction (so PostgreSQL may skip
 * their WAL, as a first load's may), its indexes built, one scan, one plain rollup. All in a
 * transaction that is rolled back. Set beside the raw pipe, it is a floor under a whole first load
 * that no arrangement of our own steps can go below (issue 18).
 */
export async function factWriteFloor(dwhUrl: string): Promise<FactWriteFloor> {
  const pool = createWarehousePool(dwhUrl, { max: 1 });
  const db = await pool.connect();
  try {
    const { rows: indexes } = await db.query<{ indexdef: string }>(
      `select indexdef from pg_indexes where schemaname = 'dwh' and tablename = 'fact_sales'`,
    );
    await db.query('begin');
    await db.query('create table stg.bench_fact_floor (like dwh.fact_sales including defaults)');
    let rows = 0;
    const write = await timedPhase(async () => {
      rows = (await db.query('insert into stg.bench_fact_floor select * from dwh.fact_sales')).rowCount ?? 0;
    });
    const indexPhase = await timedPhase(async () => {
      for (const { indexdef } of indexes) {
        await db.query(
          indexdef.replace(
            /^CREATE (UNIQUE )?INDEX \S+ ON (ONLY )?dwh\.fact_sales/,
            'CREATE $1INDEX ON stg.bench_fact_floor',
          ),
        );
      }
    });
    const scan = await timedPhase(() => db.query('select count(*) from stg.bench_fact_floor'));
    const oneRollup = await timedPhase(() =>
      db.query(
        `create temp table bench_rollup_floor on commit drop as
         select order_date_key, region_key, count(*) as order_lines,
           sum(quantity) filter (where is_revenue) as units,
           sum((gross_amount * 100)::bigint) filter (where is_revenue) as gross_cents,
           sum((discount_amount * 100)::bigint) filter (where is_revenue) as discount_cents,
           sum((net_amount * 100)::bigint) filter (where is_revenue) as net_cents,
           sum((net_amount * 100)::bigint) filter (where order_status = 'refunded') as refunded_cents
         from stg.bench_fact_floor
         where deleted_at is null
         group by order_date_key, region_key`,
      ),
    );
    return { rows, write, indexes: indexPhase, scan, oneRollup };
  } finally {
    await db.query('rollback').catch(() => {});
    db.release();
    await pool.end();
  }
}
