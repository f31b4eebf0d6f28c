import fc from 'fast-check';
import { describe, expect } from 'vitest';
import { createSqlRenderer, createWarehousePool, runModel } from '../../warehouse/index.ts';
import { etlTest } from '../support/fixtures.ts';

/** One source state of a customer: what the dimension tracks, and when it became true. */
interface Version {
  id: number;
  region: number;
  city: string;
  at: number; // seconds after the epoch below
}

const EPOCH = Date.parse('2025-01-01T00:00:00Z');
const stamp = (seconds: number) =>
  new Date(EPOCH + seconds * 1000).toISOString().replace('T', ' ').replace('Z', '');

/** What SCD2 must produce: versions in time order, a version equal to the one before it dropped. */
function expectedHistory(versions: readonly Version[]) {
  const byKey = new Map<number, Version[]>();
  for (const v of [...versions].sort((a, b) => a.at - b.at)) {
    const list = byKey.get(v.id) ?? [];
    const last = list[list.length - 1];
    if (!last || last.region !== v.region || last.city !== v.city) list.push(v);
    byKey.set(v.id, list);
  }
  const rows: string[] = [];
  for (const [id, list] of [...byKey].sort((a, b) => a[0] - b[0])) {
    list.forEach((v, i) => {
      const to = list[i + 1] ? stamp(list[i + 1]!.at) : '9999-12-31 00:00:00.000';
      rows.push(`${id}|${i + 1}|${v.region}|${v.city}|${stamp(v.at)}|${to}|${i === list.length - 1}`);
    });
  }
  return rows;
}

/** A history: per key strictly increasing times, attribute values from a small set so repeats happen. */
const historyArbitrary = fc
  .array(
    fc.record({
      id: fc.integer({ min: 1, max: 4 }),
      region: fc.integer({ min: 1, max: 3 }),
      city: fc.constantFrom('Київ', "Кам'янське", 'Lviv'),
      gap: fc.integer({ min: 1, max: 100_000 }),
    }),
    { minLength: 1, maxLength: 25 },
  )
  .map((items) => {
    let clock = 0;
    return items.map(({ gap, ...v }) => {
      clock += gap;
      return { ...v, at: clock };
    });
  });

/** The scratch warehouse through one connection. */
const test = etlTest.extend<{ pool: ReturnType<typeof createWarehousePool> }>({
  pool: [
    async ({ scratch }, use) => {
      const pool = createWarehousePool(scratch.config.DWH_URL, { max: 1 });
      await use(pool);
      await pool.end();
    },
    { scope: 'file' },
  ],
});

describe('SCD2 merge (property)', () => {
  const renderer = createSqlRenderer();
  let runId = 0;

  /** Applies batches in order, each through the dim_customer model, and returns the history. */
  async function apply(
    pool: ReturnType<typeof createWarehousePool>,
    batches: readonly (readonly Version[])[],
  ): Promise<string[]> {
    const client = await pool.connect();
    try {
      await client.query('delete from dwh.dim_customer where customer_key <> 0');
      for (const batch of batches) {
        runId++;
        const table = `stg."orders__customers__r${runId}"`;
        await client.query('begin');
        await client.query(`create temp table scd2_input (id bigint, region_id bigint, manager_id bigint, email text,
          full_name text, phone text, city text, created_at timestamptz, updated_at timestamptz) on commit drop`);
        await client.query(`create table ${table} (like scd2_input)`);
        for (const v of batch) {
          await client.query(
            `insert into ${table} values ($1, $2, null, 'e@x', 'Name', null, $3, '2024-01-01', $4::timestamp at time zone 'UTC')`,
            [v.id, v.region, v.city, stamp(v.at)],
          );
        }
        await runModel(client, renderer, 'dims/dim_customer.sql', {
          batches: { 'orders.customers': table },
          vars: { run_id: runId },
        });
        await client.query(`drop table ${table}`);
        await client.query('commit');
      }
      const { rows } = await client.query(
        `select customer_id || '|' || version || '|' || region_id || '|' || city || '|' ||
                to_char(valid_from at time zone 'UTC', 'YYYY-MM-DD HH24:MI:SS.MS') || '|' ||
                to_char(valid_to at time zone 'UTC', 'YYYY-MM-DD HH24:MI:SS.MS') || '|' || is_current as line
         from dwh.dim_customer where customer_key <> 0 order by customer_id, valid_from`,
      );
      const { rows: current } = await client.query(
        'select customer_id, count(*)::int as n from dwh.dim_customer where is_current group by 1 having count(*) <> 1',
      );
      expect(current).toEqual([]);
      return rows.map((r) => r.line);
    } finally {
      client.release();
    }
  }

  test('gives the same history for any split into batches, any order inside a batch, and redelivered versions', async ({
    pool,
  }) => {
    await fc.assert(
      fc.asyncProperty(
        historyArbitrary,
        fc.array(fc.integer({ min: 0, max: 24 }), { maxLength: 4 }),
        fc.boolean(),
        fc.integer(),
        async (history, cuts, redeliver, seed) => {
          const points = [...new Set(cuts.map((c) => c % (history.length + 1)))].sort((a, b) => a - b);
          const batches: Version[][] = [];
          let start = 0;
          for (const point of [...points, history.length]) {
            if (point <= start && batches.length > 0) continue;
            const batch = history.slice(start, point);
            // at-least-once delivery: the previous batch's last version arrives again
            if (redeliver && start > 0) batch.push(history[start - 1]!);
            // order inside a batch is whatever the source returned
            batches.push(
              fc.sample(fc.shuffledSubarray(batch, { minLength: batch.length }), { seed, numRuns: 1 })[0]!,
            );
            start = point;
          }
          expect(await apply(pool, batches)).toEqual(expectedHistory(history));
        },
      ),
      { numRuns: 40 },
    );
  });
});
