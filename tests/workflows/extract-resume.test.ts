import { describe, expect } from 'vitest';
import { beginRun } from '../../warehouse/index.ts';
import { createActivities } from '../../workflows/activities/index.ts';
import { seedBigOrder } from '../support/big-order.ts';
import { etlTest } from '../support/fixtures.ts';
import { TEST_TABLES } from '../support/warehouse-checks.ts';

const LINES = 60_000;
const KEPT = 20_000;

/** One order of LINES lines in the sources, nothing loaded yet. */
const test = etlTest.extend<{ bigOrder: undefined }>({
  bigOrder: [
    async ({ writer }, use) => {
      await seedBigOrder(writer, LINES);
      await use(undefined);
    },
    { scope: 'file' },
  ],
});
// COPYs committed every 5,000 rows, so that a cut-off extract leaves several behind
test.scoped({ tuning: { commitEveryRows: 5_000 } });

/**
 * What a retried extract activity relies on when its worker died: the batch table keeps the committed
 * COPY chunks and the retry reads on after the last of them, adding no row twice. The activity is
 * called directly (no Temporal), as the factory allows. Many rows share one updated_at (they came from
 * one INSERT … SELECT), so the id must order them; ids of different lengths catch text ordering.
 */
describe('a retried extract activity', () => {
  const cases = [
    { kind: 'incremental' as const, order: 'id' },
    {
      kind: 'backfill' as const,
      order: 'updated_at, id',
      windowFrom: '2000-01-01 00:00:00.000000',
      windowTo: '2100-01-01 00:00:00.000000',
    },
  ];
  for (const { order, ...request } of cases) {
    test(`resumes after the last committed row (${request.kind}, keyset ${order})`, async ({
      deps,
      bigOrder: _,
    }) => {
      expect(deps.tuning.commitEveryRows).toBe(5_000);
      const activities = createActivities(deps, { sourceTables: TEST_TABLES });
      const client = await deps.warehouse.connect();
      const { runId } = await beginRun(client, {
        ...request,
        tables: ['orders.order_items'],
        trigger: 'test',
      });
      client.release();
      const input = { runId, table: 'orders.order_items', ...request };
      await activities.extractSourceTable(input);

      // As if the worker died after KEPT rows were committed: later rows gone, the step still running.
      const batch = `stg.orders__order_items__r${runId}`;
      await deps.warehouse.query(
        `delete from ${batch} where (${order}) > (select ${order} from ${batch} order by ${order} offset ${KEPT - 1} limit 1)`,
      );
      await deps.warehouse.query(`update etl.run_steps set status = 'running' where run_id = $1`, [runId]);

      const retried = await activities.extractSourceTable(input);
      expect(retried.resumed).toBe(true);
      expect(retried.rows).toBe(LINES);
      const { rows } = await deps.warehouse.query(
        `select count(*)::int as rows, count(distinct id)::int as ids from ${batch}`,
      );
      expect(rows[0]).toEqual({ rows: LINES, ids: LINES });
    });
  }
});
