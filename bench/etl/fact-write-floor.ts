import { createWarehousePool } from '../../warehouse/index.ts';
import { machineBusySeconds } from '../machine-cpu.ts';

export interface Phase {
  seconds: number;
  /** Core-seconds the machine was busy during the phase (every process). */
  coreSeconds: number;
}

export interface FactWriteFloor {
  rows: number;
  /** INSERT … SELECT of the built fact into an empty copy without indexes: no joins, no checks. */
  write: Phase;
  /** The fact's own indexes (its primary key included) built on that copy. */
  indexes: Phase;
  /** One count over the copy, parallel workers allowed: the least a gate over the fact reads. */
  scan: Phase;
}

async function timed(run: () => Promise<unknown>): Promise<Phase> {
  const busy = machineBusySeconds();
  const started = performance.now();
  await run();
  return {
    seconds: (performance.now() - started) / 1000,
    coreSeconds: machineBusySeconds() - busy,
  };
}

/**
 * What writing a first load's fact costs at the least, on the warehouse a first load just built:
 * its rows copied as they are into a table created in the same transaction (so PostgreSQL may skip
 * their WAL, as a first load's may), its indexes built, one scan. All in a transaction that is
 * rolled back. Set beside the raw pipe, it is a floor under a whole first load that no arrangement
 * of our own steps can go below (issue 18).
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
    const write = await timed(async () => {
      rows = (await db.query('insert into stg.bench_fact_floor select * from dwh.fact_sales')).rowCount ?? 0;
    });
    const indexPhase = await timed(async () => {
      for (const { indexdef } of indexes) {
        await db.query(
          indexdef.replace(
            /^CREATE (UNIQUE )?INDEX \S+ ON (ONLY )?dwh\.fact_sales/,
            'CREATE $1INDEX ON stg.bench_fact_floor',
          ),
        );
      }
    });
    const scan = await timed(() => db.query('select count(*) from stg.bench_fact_floor'));
    return { rows, write, indexes: indexPhase, scan };
  } finally {
    await db.query('rollback').catch(() => {});
    db.release();
    await pool.end();
  }
}
