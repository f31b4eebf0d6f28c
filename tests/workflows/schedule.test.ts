import { spawnSync } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { REPO_ROOT } from '../../core/paths.ts';
import { createDailySchedule, deleteSchedule, type ScheduleSummary } from '../../workflows/schedules.ts';
import { createScratch, type Scratch, scratchEnv } from '../support/scratch.ts';
import { placeOrder, SourceWriter, seedSmallShop } from '../support/source-writer.ts';
import { startTestWorker, type TestWorker, uniqueId } from './support/temporal-harness.ts';

describe('the daily schedule', () => {
  let scratch: Scratch;
  let writer: SourceWriter;
  let worker: TestWorker;
  const scheduleId = uniqueId('etl-daily-schedule-test');

  /** `techmarket schedule <verb> --id … --json`, as an operator runs it. */
  const cli = (verb: string, ...flags: string[]) => {
    const result = spawnSync(
      process.execPath,
      [`${REPO_ROOT}/bin/techmarket.js`, 'schedule', verb, '--id', scheduleId, '--json', ...flags],
      { env: { ...scratchEnv(scratch), TEMPORAL_TASK_QUEUE: worker.taskQueue }, encoding: 'utf8' },
    );
    expect(result.status, result.stderr || result.stdout).toBe(0);
    return JSON.parse(result.stdout);
  };

  beforeAll(async () => {
    scratch = await createScratch();
    writer = new SourceWriter(scratch.config);
    const shop = await seedSmallShop(writer);
    await placeOrder(writer, {
      customerId: shop.customers[0]!,
      employeeId: shop.employees[0]!,
      lines: [{ productId: shop.products[0]!, quantity: 2, unitPrice: '10.00' }],
      paidWith: 'card',
    });
    worker = await startTestWorker(scratch.config);
  });
  afterAll(async () => {
    if (worker) await deleteSchedule(worker.temporal.client, scheduleId).catch(() => {});
    await worker?.stop();
    await writer?.close();
    await scratch?.drop();
  });

  it('shows in describe with its next run at 02:00 business time', async () => {
    await createDailySchedule(worker.temporal.client, {
      scheduleId,
      taskQueue: worker.taskQueue,
      timeZone: 'Europe/Kyiv',
    });
    const described: ScheduleSummary = cli('describe');
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

    expect(cli('pause', '--note', 'maintenance')).toMatchObject({ paused: true });
    expect(cli('describe')).toMatchObject({ paused: true, note: 'maintenance' });
    cli('unpause');
    expect(cli('describe')).toMatchObject({ paused: false });
  });

  it('starts a run on trigger, and the run completes on the worker', async () => {
    const triggered = cli('trigger');
    const workflowId: string = triggered.started.workflowId;
    expect(workflowId.startsWith(`${scheduleId}-`)).toBe(true);
    const outcome = await worker.temporal.client.workflow.getHandle(workflowId).result();
    expect(outcome.workflowId).toBe(workflowId);

    const { rows } = await worker.deps.warehouse.query(
      'select status, trigger, workflow_id from etl.runs order by run_id',
    );
    expect(rows).toEqual([{ status: 'succeeded', trigger: 'temporal', workflow_id: workflowId }]);
    const described = cli('describe');
    expect(described.actionsTaken).toBe(1);
    expect(described.recentActions.map((a: { workflowId: string }) => a.workflowId)).toEqual([workflowId]);
  });
});
