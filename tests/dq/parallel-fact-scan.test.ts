import { describe, expect } from 'vitest';
import { TableScans } from '../../dq/run/table-scans.ts';
import { etlTest } from '../support/fixtures.ts';

/**
 * A full check's shared table scan may use PostgreSQL's parallel workers (it is the gate's long pole
 * after a first load, decision 0030); a run-scoped check's scans, and every other rule query, stay on
 * their one connection. The predicate reads the setting the scan ran with, row by row.
 */
const runsWithoutWorkers = {
  id: 'runs_without_workers',
  failing: () => "current_setting('max_parallel_workers_per_gather') = '0'",
};

describe('the DQ gate’s shared table scans and parallel workers', () => {
  etlTest('a full check’s scan may use workers; a run-scoped one does not', async ({ deps }) => {
    await deps.warehouse.query(
      'create table public.scan_probe as select g as id, 1::bigint as etl_run_id from generate_series(1, 3) g',
    );
    try {
      const full = await new TableScans(deps.warehouse, null).counts('public.scan_probe', runsWithoutWorkers);
      expect(full).toMatchObject({ total: 3, failing: 0 });
      const scoped = await new TableScans(deps.warehouse, 1).counts('public.scan_probe', runsWithoutWorkers);
      expect(scoped).toMatchObject({ total: 3, failing: 3 });
    } finally {
      await deps.warehouse.query('drop table public.scan_probe');
    }
  });
});
