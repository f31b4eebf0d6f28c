import { spawnSync } from 'node:child_process';
import { describe, expect } from 'vitest';
import { REPO_ROOT } from '../../core/paths.ts';
import { createDailySchedule, deleteSchedule, type ScheduleSummary } from '../../workflows/schedules.ts';
import { type Scratch, scratchEnv } from '../support/scratch.ts';
import { placeOrder, seedSmallShop } from '../support/source-writer.ts';
import type { TestWorker } from './support/temporal-harness.ts';
import { uniqueId } from './support/temporal-harness.ts';
import { workflowTest } from './support/workflow-fixtures.ts';

const scheduleId = uniqueId('etl-daily-schedule-test');

/** A shop with one paid order in the sources, and the schedule deleted after the file's tests. */
const test = workflowTest.extend<{ shop: undefined }>({
  shop: [
    async ({ writer, worker }, use) => {
      const shop = await seedSmallShop(writer);
      await placeOrder(writer, {
        customerId: shop.customers[0]!,
        employeeId: shop.employees[0]!,
        lines: [{ productId: shop.products[0]!, quantity: 2, unitPrice: '10.00' }],
        paidWith: 'card',
      });
      await use(undefined);
      await deleteSchedule(worker.temporal.client, scheduleId).catch(() => {});
    },
    { scope: 'file' },
  ],
});

/** `techmarket schedule <verb> --id … --json`, as an operator runs it. */
function cli(scratch: Scratch, worker: TestWorker, verb: string, ...flags: string[]) {
  const result = spawnSync(
    process.execPath,
    [`${REPO_ROOT}/bin/techmarket.js`, 'schedule', verb, '--id', scheduleId, '--json', ...flags],
    { env: { ...scratchEnv(scratch), TEMPORAL_TASK_QUEUE: worker.taskQueue }, encoding: 'utf8' },
  );
  expect(result.status, result.stderr || result.stdout).toBe(0);
  return JSON.parse(result.stdout);
}

describe('the daily schedule', () => {
  test('shows in describe with its next run at 02:00 business time', async ({ scratch, worker, shop: _ }) => {
    await createDailySchedule(worker.temporal.client, {
      scheduleId,
      taskQueue: worker.taskQueue,
      timeZone: 'Europe/Kyiv',
    });
    const described: ScheduleSummary = cli(scratch, worker, 'describe');
    expect(described).toMatchObject({
      scheduleId,
      paused: false,
      timeZone: 'Europe/Kyiv',
      calendar: '02:00 daily',
      overlap: 'SKIP',
      catchupWindowSeconds: 6 * 3600,
    });
    expect(described.nextRuns.length).toBeGreaterThan(0);
    const next = new Date(described.nextRuns[0]!);
    expect(next.getTime()).toBeGreaterThan(Date.now());
    expect(next.getTime() - Date.now()).toBeLessThanOrEqual(25 * 3600 * 1000);
    const kyivTime = new Intl.DateTimeFormat('en-GB', {
      timeZone: 'Europe/Kyiv',
      hour: '2-digit',
      minute: '2-digit',
    }).format(next);
    expect(kyivTime).toBe('02:00');
    // shown on the business clock too, the day the UTC time falls in there
    expect(described.nextRunsLocal[0]).toMatch(/^\d{4}-\d{2}-\d{2} 02:00$/);

    expect(cli(scratch, worker, 'pause', '--note', 'maintenance')).toMatchObject({ paused: true });
    expect(cli(scratch, worker, 'describe')).toMatchObject({ paused: true, note: 'maintenance' });
    cli(scratch, worker, 'unpause');
    expect(cli(scratch, worker, 'describe')).toMatchObject({ paused: false });
  });

  test('starts a run on trigger, and the run completes on the worker', async ({
    scratch,
    worker,
    shop: _,
  }) => {
    const triggered = cli(scratch, worker, 'trigger');
    const workflowId: string = triggered.started.workflowId;
    expect(workflowId.startsWith(`${scheduleId}-`)).toBe(true);
    const outcome = await worker.temporal.client.workflow.getHandle(workflowId).result();
    expect(outcome.workflowId).toBe(workflowId);

    const { rows } = await worker.deps.warehouse.query(
      'select status, trigger, workflow_id from etl.runs order by run_id',
    );
    expect(rows).toEqual([{ status: 'succeeded', trigger: 'temporal', workflow_id: workflowId }]);
    const described = cli(scratch, worker, 'describe');
    expect(described.actionsTaken).toBe(1);
    expect(described.recentActions.map((a: { workflowId: string }) => a.workflowId)).toEqual([workflowId]);
  });
});
