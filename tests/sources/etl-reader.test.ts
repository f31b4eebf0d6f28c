import { createPool, type Pool } from 'mysql2/promise';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { etlSourceUrl, SOURCE_DATABASES, type SourceDatabase } from '../../core/config.ts';
import { seedDemoData } from '../../demo/index.ts';
import { createScratch, type Scratch } from '../support/scratch.ts';

/** One harmless statement per kind of write, per database; every one must be refused. */
const WRITES: Record<SourceDatabase, { table: string; column: string }> = {
  auth: { table: 'roles', column: 'description' },
  orders: { table: 'regions', column: 'name' },
  catalog: { table: 'categories', column: 'name' },
  payments: { table: 'payments', column: 'status' },
  notifications: { table: 'processed_events', column: 'event_type' },
};

let scratch: Scratch;
const readers: Pool[] = [];

beforeAll(async () => {
  scratch = await createScratch();
  await seedDemoData(scratch.config, {
    scale: 0.002,
    seed: 'reader',
    anchorDay: '2025-06-15',
    reset: false,
    quiet: true,
  });
});
afterAll(async () => {
  for (const pool of readers) await pool.end();
  await scratch?.drop();
});

function reader(db: SourceDatabase): Pool {
  const pool = createPool({ uri: etlSourceUrl(scratch.config, db), connectionLimit: 1 });
  readers.push(pool);
  return pool;
}

describe('the ETL read-only account (etl_reader)', () => {
  for (const db of SOURCE_DATABASES) {
    it(`reads ${db} but cannot INSERT, UPDATE, DELETE, CREATE, DROP or ALTER there`, async () => {
      const pool = reader(db);
      const { table, column } = WRITES[db];
      const [selected] = await pool.query(`select count(*) as n from \`${table}\``);
      expect(Number((selected as { n: number }[])[0]!.n)).toBeGreaterThan(0);
      const refused = [
        `insert into \`${table}\` (id) values (999999999)`,
        `update \`${table}\` set \`${column}\` = \`${column}\` where id = 1`,
        `delete from \`${table}\` where id = 1`,
        'create table etl_reader_probe (id int)',
        `drop table \`${table}\``,
        `alter table \`${table}\` add column probe int`,
        `truncate table \`${table}\``,
      ];
      for (const sql of refused) {
        await expect(pool.query(sql), sql).rejects.toMatchObject({
          code: expect.stringMatching(
            /^ER_(TABLEACCESS_DENIED_ERROR|DBACCESS_DENIED_ERROR|SPECIFIC_ACCESS_DENIED_ERROR)$/,
          ),
        });
      }
    });
  }
});
