import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dropRunBatches } from '../../warehouse/index.ts';
import { createScratch, type Scratch } from '../support/scratch.ts';

describe("a dead run's batches are dropped", () => {
  let scratch: Scratch;
  let pool: pg.Pool;

  beforeAll(async () => {
    scratch = await createScratch();
    pool = new pg.Pool({ connectionString: scratch.config.DWH_URL, max: 1 });
  });
  afterAll(async () => {
    await pool.end();
    await scratch.drop();
  });

  it('drops exactly its batches and leaves alone tables that only look like one', async () => {
    // Under the LIKE '%__r5' this replaced, `_` was any character: the last three matched too.
    const tables = ['orders__orders__r5', 'orders__orders__r55', 'myxr5', 'orders__orders_r5', 'ab_r5'];
    for (const table of tables) await pool.query(`create table stg."${table}" (id int)`);

    expect(await dropRunBatches(pool, [5])).toBe(1);

    const { rows } = await pool.query<{ name: string }>(
      `select tablename as name from pg_tables where schemaname = 'stg' and tablename = any($1) order by 1`,
      [tables],
    );
    expect(rows.map((r) => r.name)).toEqual(['ab_r5', 'myxr5', 'orders__orders__r55', 'orders__orders_r5']);
  });
});
