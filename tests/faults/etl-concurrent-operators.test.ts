import { describe, expect } from 'vitest';
import { addBigOrder } from '../support/big-order.ts';
import {
  type EtlProcess,
  pastSafetyLag,
  etlProcessTest as test,
  waitUntilPaused,
} from './support/etl-processes.ts';
import { scenario } from './support/summary.ts';

const LINES = 40_000;
/** A backfill window around now (backfill days are UTC dates). */
const today = () => new Date().toISOString().slice(0, 10);

/**
 * Scenario 3 of the fault suite: operators start things at the same moment through the CLI. Two
 * incremental runs never overlap (the second is refused, saying which run is in progress and what to
 * do); a backfill runs beside an incremental run but their loads never interleave (one waits for the
 * other's load lock); a reset while a run is in progress is refused, because that run would write its
 * watermark back over the reset.
 */
describe('scenario 3: concurrent operators', () => {
  /** The error line a refused command prints (--json): its message and hint. */
  const refusal = (proc: EtlProcess) => String(JSON.parse(proc.stdout()).error);

  test('two runs started at once: one runs, the other is refused naming it', async ({
    shop,
    writer,
    processes,
    query,
    expectSettled,
  }) => {
    const cli = processes.cli;
    await scenario(
      { scenario: '3. two runs at once', fault: 'a second `etl run --local` while the first runs' },
      async () => {
        await addBigOrder(writer, shop, LINES);
        await pastSafetyLag();
        // The first is held just before its load (extracts done, run lock held), so the second surely
        // starts while it runs, however fast the machine.
        const first = cli(['etl', 'run', '--local', '--json'], { TECHMARKET_FAULT_PAUSE_AT: 'before-load' });
        await waitUntilPaused(first);
        const second = cli(['etl', 'run', '--local', '--json']);
        expect(await second.exited, second.stderr()).toBe(1);
        const { rows } = await query(`select run_id::int from etl.runs where status = 'running'`);
        expect(refusal(second)).toBe(
          `run ${rows[0]!.run_id} (started by cli) is in progress; two runs never overlap\n  → wait for it to finish (techmarket etl status)`,
        );
        first.child.kill('SIGCONT');
        expect(await first.exited, first.stderr()).toBe(0);
        return expectSettled('second refused with the running run named; w = s');
      },
    );
  });

  test('a run and a backfill started at once: both finish, their loads one after the other', async ({
    shop,
    writer,
    processes,
    query,
    expectSettled,
  }) => {
    const cli = processes.cli;
    await scenario(
      {
        scenario: '3. a run and a backfill at once',
        fault: '`etl run --local` and `etl backfill --local` together',
      },
      async () => {
        await addBigOrder(writer, shop, LINES);
        await pastSafetyLag();
        const { rows: last } = await query('select coalesce(max(run_id), 0)::int as id from etl.runs');
        const run = cli(['etl', 'run', '--local', '--json']);
        const backfill = cli(['etl', 'backfill', '--from', today(), '--to', today(), '--local', '--json']);
        expect(await run.exited, run.stderr()).toBe(0);
        expect(await backfill.exited, backfill.stderr()).toBe(0);
        // Each run's load (merges and models, in one transaction) as an interval: they must not overlap.
        const { rows: loads } = await query(
          `select r.run_id::int, r.kind, min(s.started_at) as began, max(s.finished_at) as ended
           from etl.runs r join etl.run_steps s using (run_id)
           where r.run_id > $1 and s.step in ('merge', 'transform')
           group by r.run_id, r.kind order by began`,
          [last[0]!.id],
        );
        expect(loads.map((l) => l.kind).toSorted()).toEqual(['backfill', 'incremental']);
        expect(loads[0]!.ended <= loads[1]!.began, JSON.stringify(loads)).toBe(true);
        return expectSettled('both succeeded; loads did not interleave; w = s');
      },
    );
  });

  test('a reset while a backfill (or a run) is in progress is refused, and works once it ends', async ({
    shop,
    writer,
    processes,
    query,
    expectSettled,
  }) => {
    const cli = processes.cli;
    await scenario(
      { scenario: '3. a backfill and a reset at once', fault: '`etl reset` during `etl backfill --local`' },
      async () => {
        await addBigOrder(writer, shop, LINES);
        await pastSafetyLag();
        const { rows: marks } = await query(
          'select jsonb_agg(w order by source_table) as marks from etl.watermarks w',
        );
        // Held just before its load (its extracts done, its run lock held), so the reset surely meets it.
        const backfill = cli(['etl', 'backfill', '--from', today(), '--to', today(), '--local', '--json'], {
          TECHMARKET_FAULT_PAUSE_AT: 'before-load',
        });
        await waitUntilPaused(backfill);
        const reset = cli(['etl', 'reset', '--table', 'orders.order_items', '--json']);
        expect(await reset.exited).toBe(1);
        const { rows: open } = await query(`select run_id::int from etl.runs where status = 'running'`);
        expect(refusal(reset)).toBe(
          `cannot reset orders.order_items: run ${open[0]!.run_id} (backfill, started by cli) is in progress\n  → wait for it to finish (techmarket etl status), then reset again`,
        );
        backfill.child.kill('SIGCONT');
        expect(await backfill.exited, backfill.stderr()).toBe(0);
        // Backfills leave watermarks alone, and the refused reset removed none.
        const { rows: after } = await query(
          'select jsonb_agg(w order by source_table) as marks from etl.watermarks w',
        );
        expect(after[0]).toEqual(marks[0]);

        const run = cli(['etl', 'run', '--local', '--json'], { TECHMARKET_FAULT_PAUSE_AT: 'before-load' });
        await waitUntilPaused(run);
        const duringRun = cli(['etl', 'reset', '--table', 'orders.order_items', '--json']);
        expect(await duringRun.exited).toBe(1);
        expect(refusal(duringRun)).toMatch(
          /^cannot reset orders\.order_items: run \d+ \(incremental, started by cli\) is in progress/,
        );
        run.child.kill('SIGCONT');
        expect(await run.exited, run.stderr()).toBe(0);

        const retried = cli(['etl', 'reset', '--table', 'orders.order_items', '--json']);
        expect(await retried.exited, retried.stderr()).toBe(0);
        expect(JSON.parse(retried.stdout())).toEqual({ table: 'orders.order_items', reset: true });
        const full = cli(['etl', 'run', '--local', '--json']);
        expect(await full.exited, full.stderr()).toBe(0);
        return expectSettled('reset refused naming the run (backfill and run); watermarks kept; w = s');
      },
    );
  });
});
