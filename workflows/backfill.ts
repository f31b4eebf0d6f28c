import {
  ApplicationFailure,
  executeChild,
  getExternalWorkflowHandle,
  isCancellation,
  ParentClosePolicy,
  patched,
  setHandler,
  workflowInfo,
} from '@temporalio/workflow';
import { runActivities } from './activity-proxies.ts';
import { backfillChunk } from './backfill-chunk.ts';
import { type BackfillOutcome, backfillInOneLoad } from './backfill-window.ts';
import { type BackfillProgress, backfillProgressQuery, cancelSignal } from './definitions.ts';
import { failureMessage } from './failure-message.ts';
import { RUN_CANCELLED } from './pipeline-run.ts';
import type { BackfillInput } from './schemas.ts';

export type { BackfillOutcome } from './backfill-window.ts';

/** Backfills started since this patch load their window once (backfill-window.ts). */
export const ONE_LOAD_PATCH = 'backfill-one-load';

/**
 * Re-reads a date range. New backfills run as one load (backfill-window.ts); histories from before
 * the patch replay the old way below: chunks of whole days, each a child workflow running one backfill
 * run, `parallelism` at once. A failed chunk does not stop the others; the backfill fails at the end
 * naming the failed chunks, which a second backfill of the same range repeats (merges are idempotent).
 */
export async function backfill(input: BackfillInput): Promise<BackfillOutcome> {
  if (patched(ONE_LOAD_PATCH)) return backfillInOneLoad(input);
  const started = Date.now();
  const progress: BackfillProgress = {
    phase: 'planning',
    chunksTotal: 0,
    chunksDone: 0,
    chunksFailed: 0,
    chunks: [],
    cancelRequested: false,
  };
  let cancelReason = '';
  const running = new Set<string>();
  setHandler(backfillProgressQuery, () => progress);
  setHandler(cancelSignal, (cancel) => {
    progress.cancelRequested = true;
    cancelReason ||= cancel?.reason || 'cancel signal';
    // Each running chunk finishes its current step and records its run as failed.
    for (const id of running) {
      getExternalWorkflowHandle(id)
        .signal(cancelSignal, { reason: cancelReason })
        .catch(() => {});
    }
  });

  const plan = await runActivities.planBackfill(input);
  const parentId = workflowInfo().workflowId;
  progress.chunks = plan.chunks.map((c) => ({
    workflowId: `${parentId}-chunk-${c.from}`,
    from: c.from,
    to: c.to,
    state: 'pending',
    runId: null,
    rows: 0,
  }));
  progress.chunksTotal = plan.chunks.length;
  progress.phase = 'running';
  const queue = plan.chunks.map((chunk, index) => ({ chunk, entry: progress.chunks[index]! }));

  const lane = async () => {
    for (let next = queue.shift(); next; next = queue.shift()) {
      const { chunk, entry } = next;
      if (progress.cancelRequested) {
        entry.state = 'cancelled';
        continue;
      }
      entry.state = 'running';
      running.add(entry.workflowId);
      try {
        const result = await executeChild(backfillChunk, {
          workflowId: entry.workflowId,
          args: [{ ...chunk, tables: plan.tables, extractParallelism: plan.extractParallelism }],
          // A cancelled parent lets its chunks finish their runs properly instead of cutting them off.
          parentClosePolicy: ParentClosePolicy.REQUEST_CANCEL,
        });
        entry.state = 'succeeded';
        entry.runId = result.runId;
        entry.rows = result.extracts.reduce((sum, e) => sum + e.rows, 0);
        progress.chunksDone++;
      } catch (error) {
        if (isCancellation(error)) throw error;
        const cancelled = progress.cancelRequested && failureMessage(error).startsWith('cancelled');
        entry.state = cancelled ? 'cancelled' : 'failed';
        if (!cancelled) progress.chunksFailed++;
      } finally {
        running.delete(entry.workflowId);
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(plan.parallelism, queue.length) }, lane));

  if (progress.cancelRequested) {
    progress.phase = 'cancelled';
    throw ApplicationFailure.create({
      message: `backfill cancelled after ${progress.chunksDone} of ${progress.chunksTotal} chunks: ${cancelReason}`,
      type: RUN_CANCELLED,
      nonRetryable: true,
    });
  }
  if (progress.chunksFailed > 0) {
    progress.phase = 'failed';
    const failed = progress.chunks.filter((c) => c.state === 'failed').map((c) => c.from);
    throw ApplicationFailure.create({
      message: `${progress.chunksFailed} of ${progress.chunksTotal} backfill chunks failed (${failed.join(', ')}); run the backfill again to repeat them`,
      type: 'BackfillChunksFailed',
      nonRetryable: true,
    });
  }
  progress.phase = 'succeeded';
  return {
    workflowId: parentId,
    chunks: progress.chunks,
    seconds: (Date.now() - started) / 1000,
  };
}
