import { spawnSync } from 'node:child_process';
import { WorkflowNotFoundError } from '@temporalio/client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../core/config.ts';
import { REPO_ROOT } from '../../core/paths.ts';
import { connectTemporal, type TemporalClient } from '../../workflows/client.ts';
import { businessDate, dailyWorkflowId } from '../../workflows/constants.ts';
import { RunAlreadyStartedError, startDailyPipeline } from '../../workflows/start-workflows.ts';
import { uniqueId } from './support/temporal-harness.ts';

/**
 * No worker polls these task queues, so a started run stays in progress for as long as the test
 * needs: what is tested is Temporal refusing the second start of the same workflow id.
 */
describe('a second start of a run in progress', () => {
  const config = loadConfig();
  let temporal: TemporalClient;
  const started: string[] = [];

  beforeAll(async () => {
    temporal = await connectTemporal(config);
  });
  afterAll(async () => {
    for (const id of started) {
      await temporal.client.workflow
        .getHandle(id)
        .terminate('test over')
        .catch(() => {});
    }
    await temporal.close();
  });

  it('is refused with a message naming the workflow id', async () => {
    const taskQueue = uniqueId('etl-test-idle');
    const workflowId = uniqueId('etl-daily-dup');
    const first = await startDailyPipeline(temporal.client, {}, { taskQueue, workflowId });
    started.push(first.workflowId);
    const second = startDailyPipeline(temporal.client, {}, { taskQueue, workflowId });
    await expect(second).rejects.toBeInstanceOf(RunAlreadyStartedError);
    await expect(second).rejects.toThrow(`a run with workflow id ${workflowId} is already in progress`);
    const description = await first.handle.describe();
    expect(description.status.name).toBe('RUNNING');
  });

  it('is refused by `techmarket etl run`, which exits non-zero and says why', async () => {
    const taskQueue = uniqueId('etl-test-idle');
    const tables = ['orders.regions', 'catalog.categories'];
    const workflowId = dailyWorkflowId(businessDate(config.BUSINESS_TZ), tables);
    await clearLeftover(workflowId);
    const cli = () =>
      spawnSync(
        process.execPath,
        [`${REPO_ROOT}/bin/techmarket.js`, 'etl', 'run', '--detach', '--json', '--tables', tables.join(',')],
        { env: { ...process.env, TEMPORAL_TASK_QUEUE: taskQueue, LOG_LEVEL: 'warn' }, encoding: 'utf8' },
      );
    const first = cli();
    started.push(workflowId);
    expect(first.status, first.stderr).toBe(0);
    const startedRun = JSON.parse(first.stdout);
    expect(startedRun).toMatchObject({ workflowId, workflowType: 'dailyPipeline', hasWorker: false });
    expect(startedRun.url).toContain(`/workflows/${workflowId}/`);

    const second = cli();
    expect(second.status).toBe(1);
    expect(JSON.parse(second.stdout).error).toContain(
      `a run with workflow id ${workflowId} is already in progress`,
    );
  });

  /** A run this test left behind when it last died would refuse the start being tested. */
  async function clearLeftover(workflowId: string) {
    try {
      const handle = temporal.client.workflow.getHandle(workflowId);
      const description = await handle.describe();
      if (description.status.name === 'RUNNING' && description.taskQueue.startsWith('etl-test-idle')) {
        await handle.terminate('left over by an earlier test run');
      }
    } catch (error) {
      if (!(error instanceof WorkflowNotFoundError)) throw error;
    }
  }
});
