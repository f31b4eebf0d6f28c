import type { QueryDefinition, WorkflowHandle } from '@temporalio/client';
import {
  type BackfillProgress,
  backfillProgressQuery,
  type PipelineRunProgress,
  pipelineProgressQuery,
} from './definitions.ts';

/** How often the CLI asks a running workflow for its progress. */
export const FOLLOW_INTERVAL_MS = 1_000;
/** A query needs a worker to answer; past this the follower reports that none does. */
const QUERY_DEADLINE_MS = 3_000;

/**
 * Waits for a workflow's result while asking its progress query every second. `onProgress` gets the
 * answer, or `undefined` while no worker answers (none runs, or one is starting), so the caller can
 * say so instead of looking stuck. The result (or the workflow's failure) is returned as Temporal gives it.
 */
export async function followRun<R, P>(
  handle: WorkflowHandle,
  query: QueryDefinition<P>,
  onProgress: (progress: P | undefined) => void,
  intervalMs: number = FOLLOW_INTERVAL_MS,
): Promise<R> {
  let finished = false;
  const result = (handle.result() as Promise<R>).finally(() => {
    finished = true;
  });
  const poll = async () => {
    while (!finished) {
      try {
        const progress = await handle.client.connection.withDeadline(Date.now() + QUERY_DEADLINE_MS, () =>
          handle.query(query),
        );
        if (!finished) onProgress(progress);
      } catch {
        if (!finished) onProgress(undefined);
      }
      await new Promise((resolve) => setTimeout(resolve, intervalMs));
    }
  };
  const polling = poll();
  try {
    return await result;
  } finally {
    await polling;
  }
}

/** What a follower reports to: the same shape as the --local runner's progress (pipeline/run-pipeline.ts). */
export interface RunProgressReporter {
  phase(name: string): void;
  rows(key: string, rowsSoFar: number): void;
  step(target: string): void;
}

const WAITING_FOR_WORKER = 'waiting for a worker (start one with: techmarket worker)';

/** Follows a pipeline run (daily or table), turning its progress query into reporter calls. */
export function followPipelineRun<R>(handle: WorkflowHandle, reporter: RunProgressReporter): Promise<R> {
  let phase = '';
  let step = '';
  return followRun<R, PipelineRunProgress>(handle, pipelineProgressQuery, (progress) => {
    const nextPhase = progress ? progress.phase : WAITING_FOR_WORKER;
    if (nextPhase !== phase) {
      phase = nextPhase;
      reporter.phase(phase);
    }
    if (!progress) return;
    for (const table of progress.tables) reporter.rows(table.table, table.rows);
    if (progress.transformStep && progress.transformStep !== step) {
      step = progress.transformStep;
      reporter.step(step);
    }
  });
}

/** Follows a backfill: chunks done of total as the phase, rows of finished chunks as rows. */
export function followBackfill<R>(handle: WorkflowHandle, reporter: RunProgressReporter): Promise<R> {
  let phase = '';
  return followRun<R, BackfillProgress>(handle, backfillProgressQuery, (progress) => {
    const running = progress?.chunks.filter((c) => c.state === 'running').length ?? 0;
    const nextPhase = !progress
      ? WAITING_FOR_WORKER
      : progress.phase === 'planning'
        ? 'backfill planning'
        : `backfill ${progress.chunksDone}/${progress.chunksTotal} chunks done, ${running} running`;
    if (nextPhase !== phase) {
      phase = nextPhase;
      reporter.phase(phase);
    }
    for (const chunk of progress?.chunks ?? []) reporter.rows(chunk.workflowId, chunk.rows);
  });
}
