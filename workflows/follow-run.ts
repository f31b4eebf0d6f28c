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
  // The poll's pause ends with the result too: waiting out the interval after the workflow ended
  // added up to a second to every followed run (most of `etl run`'s overhead over --local).
  let wake = () => {};
  const result = (handle.result() as Promise<R>).finally(() => {
    finished = true;
    wake();
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
      if (finished) break;
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, intervalMs);
        wake = () => {
          clearTimeout(timer);
          resolve();
        };
      });
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

/** The progress line of a backfill: what its chunks are doing now (rows and rows/s the bar adds). */
export function describeBackfillProgress(progress: BackfillProgress | undefined): string {
  if (!progress) return WAITING_FOR_WORKER;
  const count = (state: string) => progress.chunks.filter((c) => c.state === state).length;
  switch (progress.phase) {
    case 'planning':
      return 'backfill planning';
    case 'running':
      return `backfill ${progress.chunksDone}/${progress.chunksTotal} chunks done, ${count('running')} running`;
    case 'extract':
      return `backfill extract: ${count('extracting')} chunks extracting, ${count('waiting')} waiting, ${count('pending')} pending (of ${progress.chunksTotal})`;
    case 'load':
      return `backfill load of ${progress.chunksTotal} chunks${progress.loadStep ? `: ${progress.loadStep}` : ''}`;
    case 'quality':
      return 'backfill data-quality gate';
    default:
      return `backfill ${progress.phase}`;
  }
}

/** Follows a backfill: what its chunks do as the phase, rows extracted so far as rows. */
export function followBackfill<R>(handle: WorkflowHandle, reporter: RunProgressReporter): Promise<R> {
  let phase = '';
  return followRun<R, BackfillProgress>(handle, backfillProgressQuery, (progress) => {
    const nextPhase = describeBackfillProgress(progress);
    if (nextPhase !== phase) {
      phase = nextPhase;
      reporter.phase(phase);
    }
    if (progress?.rows !== undefined) reporter.rows('backfill', progress.rows);
    else for (const chunk of progress?.chunks ?? []) reporter.rows(chunk.workflowId, chunk.rows);
  });
}
