import {
  ApplicationFailure,
  CancellationScope,
  isCancellation,
  setHandler,
  workflowInfo,
} from '@temporalio/workflow';
import type { EtlActivities } from './activities/index.ts';
import {
  bookkeepingActivities,
  extractActivities,
  fewerRoundTrips,
  qualityActivities,
  transformActivitiesWith,
} from './activity-proxies.ts';
import {
  cancelSignal,
  extractRowsSignal,
  type PipelineRunProgress,
  pipelineProgressQuery,
  transformStepSignal,
} from './definitions.ts';
import { failureMessage } from './failure-message.ts';
import type { PipelineRunRequest, RunPlan } from './schemas.ts';

type ExtractResult = Awaited<ReturnType<EtlActivities['extractSourceTable']>>;
type TransformResult = Awaited<ReturnType<EtlActivities['transformRun']>>;
type QualityOutcome = Awaited<ReturnType<EtlActivities['runQualityGate']>>;

/** What an ETL workflow returns: the same summary `etl run --local` prints, plus the workflow id. */
export interface PipelineRunOutcome {
  workflowId: string;
  runId: number;
  extracts: ExtractResult[];
  transform: TransformResult;
  quality: QualityOutcome;
  seconds: number;
}

/** The failure type of a run stopped by the cancel signal. */
export const RUN_CANCELLED = 'RunCancelled';

/**
 * One pipeline run, the steps of `runPipeline` as activities: begin the run → extract every table,
 * a bounded number at once → transform (dimensions, then facts) → data-quality gate → finish. Any failure, the cancel
 * signal or a cancellation from Temporal finishes the run as failed, once no activity still works on it.
 */
export async function runPipelineInWorkflow(
  request: PipelineRunRequest,
  timeouts: { transformHeartbeatSeconds?: number } = {},
): Promise<PipelineRunOutcome> {
  const started = Date.now();
  const transformActivities = transformActivitiesWith(timeouts.transformHeartbeatSeconds);
  const fewer = fewerRoundTrips();
  const runActivities = bookkeepingActivities(fewer);
  /** Cancels the one extract activity of a run that makes fewer round trips (the cancel signal). */
  let cancelExtract = () => {};
  const progress: PipelineRunProgress = {
    runId: null,
    kind: request.kind,
    phase: 'starting',
    tables: [],
    transformStep: null,
    cancelRequested: false,
    error: null,
  };
  let cancelReason = '';
  setHandler(pipelineProgressQuery, () => progress);
  setHandler(cancelSignal, (cancel) => {
    progress.cancelRequested = true;
    cancelReason ||= cancel?.reason || 'cancel signal';
    cancelExtract();
  });
  setHandler(extractRowsSignal, ({ table, rows }) => {
    const entry = progress.tables.find((t) => t.table === table);
    if (entry?.state === 'extracting') entry.rows = Math.max(entry.rows, rows);
  });
  setHandler(transformStepSignal, ({ step }) => {
    if (progress.phase === 'transform') progress.transformStep = step;
  });
  const stopIfCancelled = (before: string) => {
    if (!progress.cancelRequested) return;
    throw ApplicationFailure.create({
      message: `cancelled before ${before}: ${cancelReason}`,
      type: RUN_CANCELLED,
      nonRetryable: true,
    });
  };

  const plan = await runActivities.beginPipelineRun(request);
  progress.runId = plan.runId;
  progress.tables = plan.tables.map((table) => ({ table, state: 'pending', rows: 0 }));
  try {
    stopIfCancelled('extract');
    progress.phase = 'extract';
    const extracts = fewer
      ? await extractInOneActivity(plan, progress, (cancel) => {
          cancelExtract = cancel;
        }).catch((error: unknown) => {
          // Cancelled by the signal: failed the way a signal between two extracts fails the run.
          if (isCancellation(error)) stopIfCancelled('transform');
          throw error;
        })
      : await extractAll(plan, progress);
    stopIfCancelled('transform');
    progress.phase = 'transform';
    const transformed = await transformActivities.transformRun({
      runId: plan.runId,
      kind: plan.kind,
      tables: plan.tables,
    });
    progress.transformStep = null;
    stopIfCancelled('the data-quality rules');
    progress.phase = 'quality';
    const quality = await qualityActivities.runQualityGate({
      runId: plan.runId,
      scope: transformed.incremental ? 'run' : 'all',
    });
    stopIfCancelled('finish');
    progress.phase = 'finalize';
    await runActivities.finishPipelineRun({ runId: plan.runId });
    progress.phase = 'succeeded';
    return {
      workflowId: workflowInfo().workflowId,
      runId: plan.runId,
      extracts,
      transform: transformed,
      quality,
      seconds: (Date.now() - started) / 1000,
    };
  } catch (error) {
    const cancelled =
      isCancellation(error) || (error instanceof ApplicationFailure && error.type === RUN_CANCELLED);
    progress.phase = cancelled ? 'cancelled' : 'failed';
    progress.error = cancelled && isCancellation(error) ? 'cancelled from Temporal' : failureMessage(error);
    // Recorded even when Temporal cancelled the workflow: the run must not stay 'running'.
    await CancellationScope.nonCancellable(() =>
      runActivities.finishPipelineRun({ runId: plan.runId, error: progress.error ?? 'failed' }),
    );
    throw error;
  }
}

/**
 * Extracts the plan's tables with at most `extractParallelism` at once. After a failure or a cancel
 * request no new extract starts, and the ones under way are awaited, so none outlives the run.
 */
async function extractAll(plan: RunPlan, progress: PipelineRunProgress): Promise<ExtractResult[]> {
  const queue = [...progress.tables];
  const results = new Map<string, ExtractResult>();
  let failure: unknown;
  const lane = async () => {
    for (let entry = queue.shift(); entry; entry = queue.shift()) {
      if (failure !== undefined || progress.cancelRequested) return;
      entry.state = 'extracting';
      try {
        const result = await extractActivities.extractSourceTable({
          runId: plan.runId,
          table: entry.table,
          kind: plan.kind,
          windowFrom: plan.windowFrom,
          windowTo: plan.windowTo,
        });
        entry.state = 'extracted';
        entry.rows = result.rows;
        results.set(entry.table, result);
      } catch (error) {
        entry.state = 'failed';
        failure ??= error;
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(plan.extractParallelism, queue.length) }, lane));
  if (failure !== undefined) throw failure;
  return plan.tables.flatMap((table) => results.get(table) ?? []);
}

/**
 * Extracts the plan's tables in one activity, `extractParallelism` at once inside it, as `runPipeline`
 * does. The cancel signal cancels the activity, which then starts no further table and is awaited.
 */
async function extractInOneActivity(
  plan: RunPlan,
  progress: PipelineRunProgress,
  onCancellable: (cancel: () => void) => void,
): Promise<ExtractResult[]> {
  if (plan.tables.length === 0) return [];
  for (const entry of progress.tables) entry.state = 'extracting';
  const scope = new CancellationScope();
  onCancellable(() => scope.cancel());
  try {
    const results = await scope.run(() =>
      extractActivities.extractSourceTables({
        runId: plan.runId,
        tables: plan.tables,
        kind: plan.kind,
        windowFrom: plan.windowFrom,
        windowTo: plan.windowTo,
        extractParallelism: plan.extractParallelism,
      }),
    );
    for (const [index, entry] of progress.tables.entries()) {
      entry.state = 'extracted';
      entry.rows = results[index]?.rows ?? entry.rows;
    }
    return results;
  } catch (error) {
    for (const entry of progress.tables) entry.state = 'failed';
    throw error;
  } finally {
    onCancellable(() => {});
  }
}
