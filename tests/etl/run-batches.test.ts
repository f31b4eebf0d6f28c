import pg from 'pg';
import { describe, expect } from 'vitest';
import { dropRunBatches } from '../../warehouse/index.ts';
import { etlTest } from '../support/fixtures.ts';

describe("a dead run's batches are dropped", () => {
  etlTest(
    'drops exactly its batches and leaves alone tables that only look like one',
    async ({ scratch }) => {
      const pool = new pg.Pool({ connectionString: scratch.config.DWH_URL, max: 1 });
      try {
        // Under the LIKE '%__r5' this replaced, `_` was any character: the last three matched too.
        const tables = ['orders__orders__r5', 'orders__orders__r55', 'myxr5', 'orders__orders_r5', 'ab_r5'];
        for (const table of tables) await pool.query(`create table stg."${table}" (id int)`);

        expect(await dropRunBatches(pool, [5])).toBe(1);

        const { rows } = await pool.query<{ name: string }>(
          `select tablename as name from pg_tables where schemaname = 'stg' and tablename = any($1) order by 1`,
          [tables],
        );
        expect(rows.map((r) => r.name)).toEqual([
          'ab_r5',
          'myxr5',
          'orders__orders__r55',
          'orders__orders_r5',
        ]);
      } finally {
        await pool.end();
      }
    },
  );
});
