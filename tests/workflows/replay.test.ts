import { Worker } from '@temporalio/worker';
import { describe, expect, it } from 'vitest';
import { WORKFLOWS_PATH } from '../../workflows/worker.ts';
import { loadHistories } from './support/histories.ts';
import './support/temporal-harness.ts'; // quiet worker runtime

/**
 * Replays recorded histories (tests/workflows/record-histories.ts) against today's workflow code: a
 * change that would make running workflows non-deterministic fails here instead of in production.
 */
describe('recorded workflow histories', () => {
  const histories = loadHistories();

  it('are there to replay', () => {
    expect(histories.map((h) => h.file)).toEqual(
      expect.arrayContaining([
        'backfill.json',
        'backfill-chunk.json',
        'backfill-one-load.json',
        'daily-pipeline.json',
        'table-pipeline.json',
        'daily-pipeline-before-fewer-round-trips.json',
        'backfill-one-load-before-fewer-round-trips.json',
      ]),
    );
  });

  it('replay without a determinism error', async () => {
    const failures: string[] = [];
    for await (const result of Worker.runReplayHistories({ workflowsPath: WORKFLOWS_PATH }, histories)) {
      if (result.error) failures.push(`${result.workflowId}: ${result.error.message}`);
    }
    expect(failures).toEqual([]);
  });
});
