import fc from 'fast-check';
import { describe, expect } from 'vitest';
import { SOURCE_TABLES, stagingSpec } from '../../pipeline/index.ts';
import {
  createSqlRenderer,
  createWarehousePool,
  ensureKeyRangeTracking,
  ensureMirror,
  scanKeyRanges,
} from '../../warehouse/index.ts';
import { etlTest } from '../support/fixtures.ts';

/** Narrow ranges, so that a few dozen keys spread over many of them (and over both signs). */
const WIDTH = 10;
const spec = stagingSpec(SOURCE_TABLES.find((t) => t.table === 'order_items')!);
const MIRROR = 'stg.orders__order_items';

const key = fc.integer({ min: -60, max: 200 });
/** Statements of the kinds the pipeline and an operator issue against a mirror, over few rows or many. */
const statement = fc.oneof(
  key.map((k) => ({
    sql: `insert into ${MIRROR} (id, created_at, updated_at, order_id, product_id, quantity, unit_price, discount_amount)
          values (${k}, now(), now(), 1, 1, 1, 1, 0) on conflict (id) do nothing`,
  })),
  fc.tuple(key, key).map(([a, b]) => ({
    sql: `update ${MIRROR} set _deleted_at = now() where id between ${Math.min(a, b)} and ${Math.max(a, b)} and _deleted_at is null`,
  })),
  fc.tuple(key, key).map(([a, b]) => ({
    sql: `update ${MIRROR} set _deleted_at = null where id between ${Math.min(a, b)} and ${Math.max(a, b)}`,
  })),
  fc.tuple(key, key).map(([a, b]) => ({
    sql: `update ${MIRROR} set quantity = quantity + 1 where id between ${Math.min(a, b)} and ${Math.max(a, b)}`,
  })),
  fc.tuple(key, fc.integer({ min: -30, max: 30 })).map(([k, shift]) => ({
    sql: `update ${MIRROR} set id = id + ${shift} where id = ${k} and not exists (select 1 from ${MIRROR} where id = ${k + shift})`,
  })),
  fc.tuple(key, key).map(([a, b]) => ({
    sql: `delete from ${MIRROR} where id between ${Math.min(a, b)} and ${Math.max(a, b)}`,
  })),
  fc.constant({
    sql: `merge into ${MIRROR} m using (select g as id from generate_series(-5, 25, 3) g) s on m.id = s.id
          when matched then update set _deleted_at = null, quantity = m.quantity + 1
          when not matched then insert (id, created_at, updated_at, order_id, product_id, quantity, unit_price, discount_amount)
            values (s.id, now(), now(), 1, 1, 1, 1, 0)`,
  }),
  fc.constant({ sql: `truncate ${MIRROR}` }),
);

/** The scratch warehouse with an empty order-lines mirror, tracked in ranges of WIDTH keys. */
const test = etlTest.extend<{ pool: ReturnType<typeof createWarehousePool> }>({
  pool: [
    async ({ scratch }, use) => {
      const pool = createWarehousePool(scratch.config.DWH_URL);
      const client = await pool.connect();
      try {
        await ensureMirror(client, createSqlRenderer(), spec);
        await ensureKeyRangeTracking(client, spec, WIDTH);
      } finally {
        client.release();
      }
      await use(pool);
      await pool.end();
    },
    { scope: 'file' },
  ],
});

describe('mirror key-range tracking (property)', () => {
  test('keeps every range equal to a count of the live keys, whatever statements change the mirror', async ({
    pool,
  }) => {
    await fc.assert(
      fc.asyncProperty(fc.array(statement, { minLength: 1, maxLength: 12 }), async (statements) => {
        const client = await pool.connect();
        try {
          await client.query('begin');
          for (const { sql } of statements) await client.query(sql);
          const { rows: kept } = await client.query(
            `select range::text, keys::text, key_sum::text as "keySum" from stg.mirror_key_ranges
             where mirror = 'orders__order_items' and (keys <> 0 or key_sum <> 0) order by range::bigint`,
          );
          const scanned = (await scanKeyRanges(client, MIRROR, 'id', WIDTH)).sort(
            (a, b) => Number(a.range) - Number(b.range),
          );
          expect(kept).toEqual(scanned);
        } finally {
          // every case starts from the same empty, tracked mirror
          await client.query('rollback');
          client.release();
        }
      }),
      { numRuns: 60 },
    );
  });
});
