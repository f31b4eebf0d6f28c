import {
  ApplicationFailure,
  CancellationScope,
  isCancellation,
  setCurrentDetails,
  setHandler,
  workflowInfo,
} from '@temporalio/workflow';
import type { EtlActivities } from './activities/index.ts';
import {
  bookkeepingActivities,
  extractActivities,
  fewerRoundTrips,
  qualityActivities,
  transformActivities,
} from './activity-proxies.ts';
import {
  type BackfillChunkProgress,
  type BackfillProgress,
  backfillProgressQuery,
  cancelSignal,
  partRowsSignal,
  transformStepSignal,
} from './definitions.ts';
import { failureMessage } from './failure-message.ts';
import { RUN_CANCELLED } from './pipeline-run.ts';
import type { BackfillInput } from './schemas.ts';

type PartResult = Awaited<ReturnType<EtlActivities['extractWindowPart']>>;
type TransformResult = Awaited<ReturnType<EtlActivities['transformRun']>>;
type QualityOutcome = Awaited<ReturnType<EtlActivities['runQualityGate']>>;

export interface BackfillOutcome {
  workflowId: string;
  chunks: BackfillChunkProgress[];
  seconds: number;
  /** One-load backfills: the run that loaded the window, its rows, load and gate. */
  runId?: number;
  rows?: number;
  transform?: TransformResult;
  quality?: QualityOutcome;
}

/**
 * A backfill as one run over its window, the way `etl backfill --local` runs it, with the reading
 * split: the chunks (consecutive days, each read for every table) are read side by side into the run's batch tables (reads of
 * the sources never conflict), then the merge, the delete reconciliation, the models and the DQ gate
 * run once. Nothing waits on the run lock, and the progress says what really happens: chunks
 * extracting, waiting for the load, loading. A killed worker's parts are retried by Temporal; parts
 * already read are not read again (their results are in this history, and their steps in etl.run_steps).
 */
export async function backfillInOneLoad(input: BackfillInput): Promise<BackfillOutcome> {
  const started = Date.now();
  const runActivities = bookkeepingActivities(fewerRoundTrips());
  const progress: BackfillProgress = {
    phase: 'planning',
    chunksTotal: 0,
    chunksDone: 0,
    chunksFailed: 0,
    chunks: [],
    cancelRequested: false,
    runId: null,
    loadStep: null,
  };
  let cancelReason = '';
  let extractStarted = 0;
  let extractSeconds = 0;
  /** Rows per chunk (by its first day), as its part activity reports them. */
  const partRows = new Map<string, number>();
  const chunkByDay = new Map<string, BackfillChunkProgress>();

  /** Rows and rows/s, derived on demand: a query must not change workflow state. */
  const withRates = (): BackfillProgress => {
    const rows = [...partRows.values()].reduce((sum, n) => sum + n, 0);
    const seconds = extractSeconds || (extractStarted ? (Date.now() - extractStarted) / 1000 : 0);
    return { ...progress, rows, rowsPerSecond: seconds > 0 ? Math.round(rows / seconds) : 0 };
  };
  /** The Temporal UI's details line, kept current at each step and progress signal. */
  const refresh = () => setCurrentDetails(summary(withRates()));
  setHandler(backfillProgressQuery, withRates);
  setHandler(cancelSignal, (cancel) => {
    progress.cancelRequested = true;
    cancelReason ||= cancel?.reason || 'cancel signal';
  });
  setHandler(partRowsSignal, ({ from, rows }) => {
    const chunk = chunkByDay.get(from);
    if (chunk?.state !== 'extracting' || rows <= chunk.rows) return;
    chunk.rows = rows;
    partRows.set(from, rows);
    refresh();
  });
  setHandler(transformStepSignal, ({ step }) => {
    if (progress.phase === 'load') progress.loadStep = step;
  });
  const stopIfCancelled = (before: string) => {
    if (!progress.cancelRequested) return;
    throw ApplicationFailure.create({
      message: `cancelled before ${before}: ${cancelReason}`,
      type: RUN_CANCELLED,
      nonRetryable: true,
    });
  };

  const plan = await runActivities.planBackfill(input);
  const windowFrom = plan.chunks[0]!.windowFrom;
  const windowTo = plan.chunks[plan.chunks.length - 1]!.windowTo;
  const parentId = workflowInfo().workflowId;
  progress.chunks = plan.chunks.map((c) => ({
    workflowId: `${parentId}-chunk-${c.from}`,
    from: c.from,
    to: c.to,
    state: 'pending',
    runId: null,
    rows: 0,
  }));
  for (const chunk of progress.chunks) chunkByDay.set(chunk.from, chunk);
  progress.chunksTotal = plan.chunks.length;

  const run = await runActivities.beginPipelineRun({
    kind: 'backfill',
    tables: plan.tables,
    windowFrom,
    windowTo,
    extractParallelism: plan.extractParallelism,
  });
  progress.runId = run.runId;
  const setChunks = (from: BackfillChunkProgress['state'][], to: BackfillChunkProgress['state']) => {
    for (const chunk of progress.chunks) if (from.includes(chunk.state)) chunk.state = to;
  };
  try {
    stopIfCancelled('extract');
    await runActivities.prepareWindowExtract({ runId: run.runId, tables: run.tables, windowFrom, windowTo });
    progress.phase = 'extract';
    extractStarted = Date.now();
    refresh();
    const parts = await extractParts(run.runId, run.tables, plan, progress, partRows, refresh);
    extractSeconds = (Date.now() - extractStarted) / 1000;
    refresh();
    stopIfCancelled('transform');
    await runActivities.recordWindowExtract({
      runId: run.runId,
      tables: run.tables,
      windowFrom,
      windowTo,
      parts,
    });
    progress.phase = 'load';
    setChunks(['waiting'], 'loading');
    refresh();
    const transformed = await transformActivities.transformRun({
      runId: run.runId,
      kind: 'backfill',
      tables: run.tables,
    });
    progress.loadStep = null;
    stopIfCancelled('the data-quality rules');
    progress.phase = 'quality';
    refresh();
    const quality = await qualityActivities.runQualityGate({
      runId: run.runId,
      scope: transformed.incremental ? 'run' : 'all',
    });
    stopIfCancelled('finish');
    await runActivities.finishPipelineRun({ runId: run.runId });
    for (const chunk of progress.chunks) {
      chunk.state = 'succeeded';
      chunk.runId = run.runId;
    }
    progress.chunksDone = progress.chunksTotal;
    progress.phase = 'succeeded';
    refresh();
    return {
      workflowId: parentId,
      chunks: progress.chunks,
      seconds: (Date.now() - started) / 1000,
      runId: run.runId,
      rows: withRates().rows,
      transform: transformed,
      quality,
    };
  } catch (error) {
    const cancelled =
      isCancellation(error) || (error instanceof ApplicationFailure && error.type === RUN_CANCELLED);
    progress.phase = cancelled ? 'cancelled' : 'failed';
    setChunks(['pending', 'extracting', 'waiting', 'loading'], cancelled ? 'cancelled' : 'failed');
    progress.chunksFailed = progress.chunks.filter((c) => c.state === 'failed').length;
    refresh();
    const message = cancelled && isCancellation(error) ? 'cancelled from Temporal' : failureMessage(error);
    // Recorded even when Temporal cancelled the workflow: the run must not stay 'running'.
    await CancellationScope.nonCancellable(() =>
      runActivities.finishPipelineRun({ runId: run.runId, error: message }),
    );
    if (cancelled && !isCancellation(error)) {
      throw ApplicationFailure.create({
        message: `backfill cancelled after extracting ${withRates().rows} rows: ${cancelReason}`,
        type: RUN_CANCELLED,
        nonRetryable: true,
      });
    }
    throw error;
  }
}

/**
 * Every chunk as one part activity reading its slice of each table, `parallelism × extractParallelism`
 * at once. After a failure or a cancel request no new part starts and the ones under way are awaited,
 * so none outlives the run.
 */
async function extractParts(
  runId: number,
  tables: string[],
  plan: Awaited<ReturnType<EtlActivities['planBackfill']>>,
  progress: BackfillProgress,
  partRows: Map<string, number>,
  refresh: () => void,
): Promise<PartResult> {
  const queue = plan.chunks.map((chunk, index) => ({ chunk, entry: progress.chunks[index]! }));
  const results: PartResult = [];
  let failure: unknown;
  const lane = async () => {
    for (let next = queue.shift(); next; next = queue.shift()) {
      if (failure !== undefined || progress.cancelRequested) return;
      const { chunk, entry } = next;
      entry.state = 'extracting';
      refresh();
      try {
        const read = await extractActivities.extractWindowPart({
          runId,
          tables,
          part: { from: chunk.from, windowFrom: chunk.windowFrom, windowTo: chunk.windowTo },
        });
        results.push(...read);
        entry.rows = read.reduce((sum, r) => sum + r.rows, 0);
        partRows.set(chunk.from, entry.rows);
        entry.state = 'waiting';
        refresh();
      } catch (error) {
        entry.state = 'failed';
        failure ??= error;
      }
    }
  };
  const lanes = Math.min(plan.parallelism * plan.extractParallelism, queue.length);
  await Promise.all(Array.from({ length: lanes }, lane));
  if (failure !== undefined) throw failure;
  return results;
}

/** One line for the Temporal UI's details: what runs now, how many rows and how fast. */
function summary(p: BackfillProgress): string {
  const count = (state: BackfillChunkProgress['state']) => p.chunks.filter((c) => c.state === state).length;
  const rows = `${p.rows ?? 0} rows, ${p.rowsPerSecond ?? 0} rows/s`;
  switch (p.phase) {
    case 'extract':
      return `extract: ${count('extracting')} chunks extracting, ${count('waiting')} waiting for the load, ${count('pending')} pending of ${p.chunksTotal}; ${rows}`;
    case 'load':
      return `load of ${p.chunksTotal} chunks in run ${p.runId}${p.loadStep ? ` (${p.loadStep})` : ''}; ${rows}`;
    case 'quality':
      return `data-quality gate of run ${p.runId}; ${rows}`;
    default:
      return `${p.phase}: ${p.chunksDone}/${p.chunksTotal} chunks; ${rows}`;
  }
}
