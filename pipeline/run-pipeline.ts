import { TechmarketError } from '../core/errors.ts';
import { addLogContext, childLogger } from '../core/logger.ts';
import { readGateSourceTotalsAhead, runQualityGate, type SourceTotalsAhead } from '../dq/index.ts';
import {
  beginRun,
  dropRunBatches,
  finishedRunsWithBatches,
  finishRun,
  type RunKind,
} from '../warehouse/index.ts';
import { explainConnectionLost } from './connection-lost.ts';
import type { PipelineDeps } from './deps.ts';
import { explainDiskFull } from './disk-full.ts';
import { mapBounded } from './map-bounded.ts';
import { qualifiedName, type SourceTable } from './source-tables.ts';
import { type ExtractTableResult, extractTable } from './steps/extract-table.ts';
import { isFirstLoad, type TransformResult, transform } from './steps/transform.ts';
import { onWatermarkPath } from './table-modes.ts';

export interface PipelineRunRequest {
  tables: readonly SourceTable[];
  kind: RunKind;
  trigger: string;
  windowFrom?: string;
  windowTo?: string;
  workflowId?: string;
}

export interface PipelineProgress {
  /** A phase began: 'extract', 'transform', 'dq', … */
  phase(name: string): void;
  /** Rows extracted so far for one table. */
  rows(table: string, rowsSoFar: number): void;
  /** A transform step began. */
  step(target: string): void;
}

export interface PipelineRunSummary {
  runId: number;
  extracts: ExtractTableResult[];
  transform: TransformResult;
  seconds: number;
}

const log = childLogger({ component: 'pipeline' });

const noProgress: PipelineProgress = { phase() {}, rows() {}, step() {} };

/**
 * One pipeline run in this process (`etl run --local`, tests, benchmarks): the same steps the
 * Temporal activities call, in the same order.
 */
export async function runPipeline(
  deps: PipelineDeps,
  request: PipelineRunRequest,
  progress: PipelineProgress = noProgress,
): Promise<PipelineRunSummary> {
  const started = performance.now();
  // Tables switched to CDC are fed by the consumer, not by this run.
  request = { ...request, tables: await onWatermarkPath(deps.warehouse, request.tables) };
  // This connection lives as long as the run: its lock tells other runs this one is alive.
  const lockClient = await deps.warehouse.connect();
  // Its connection breaking frees the lock: from then on another run may start, so this one must
  // not commit (checked just before the transform commits).
  let lockLost: Error | undefined;
  lockClient.on('error', (error) => {
    lockLost = error;
  });
  let runId: number;
  try {
    const began = await beginRun(lockClient, {
      kind: request.kind,
      tables: request.tables.map(qualifiedName),
      trigger: request.trigger,
      windowFrom: request.windowFrom,
      windowTo: request.windowTo,
      workflowId: request.workflowId,
      holdRunLock: true,
    });
    runId = began.runId;
    // Every line of this run, from any step, carries its id (techmarket logs --run).
    addLogContext({ etlRunId: runId, ...(request.workflowId && { workflowId: request.workflowId }) });
    log.info(
      { kind: request.kind, tables: request.tables.length, trigger: request.trigger },
      'pipeline run began',
    );
    await dropRunBatches(lockClient, [...began.abandoned, ...(await finishedRunsWithBatches(lockClient))]);
  } catch (error) {
    // Destroyed, not pooled: the session may hold the run lock already.
    lockClient.release(true);
    throw error;
  }
  try {
    progress.phase('extract');
    const extracts = await mapBounded(request.tables, deps.config.ETL_EXTRACT_PARALLELISM, (table) =>
      extractTable(
        deps,
        table,
        {
          runId,
          table: qualifiedName(table),
          kind: request.kind,
          windowFrom: request.windowFrom,
          windowTo: request.windowTo,
        },
        (rows) => progress.rows(qualifiedName(table), rows),
      ),
    );
    for (const extract of extracts) log.info({ table: extract.table, rows: extract.rows }, 'extracted');
    progress.phase('transform');
    // A first load's gate checks everything: its source totals are read on the core the fact leaves.
    const firstLoad = await isFirstLoad(deps.warehouse);
    let sourceTotals: SourceTotalsAhead | undefined;
    const transformed = await transform(
      deps,
      { runId, kind: request.kind, tables: request.tables },
      {
        onStep: progress.step,
        beforeCommit: async () => {
          if (lockLost) throw lockLost;
        },
        onSpareCore: () => {
          if (!firstLoad) return;
          try {
            sourceTotals = readGateSourceTotalsAhead(deps);
          } catch {
            // A rule file that does not load is the gate's to report, after the load.
          }
        },
      },
    );
    // An error-severity rule that fails throws here (after its results are stored): the run fails.
    // After an incremental load the rules check what this run changed; after a first load, everything.
    progress.phase('dq');
    await runQualityGate(
      deps,
      runId,
      transformed.incremental ? { scope: 'run' } : { scope: 'all', sourceTotals },
    );
    await finishRun(deps.warehouse, runId);
    const seconds = (performance.now() - started) / 1000;
    log.info({ seconds: Number(seconds.toFixed(3)) }, 'pipeline run succeeded');
    return { runId, extracts, transform: transformed, seconds };
  } catch (caught) {
    // A connection that broke half-way, or a full disk, is named with what to do, rather than in the
    // driver's words.
    const error = explainConnectionLost(caught) ?? explainDiskFull(caught) ?? caught;
    const message = error instanceof TechmarketError ? error.message : (error as Error).message;
    log.error({ err: message }, 'pipeline run failed');
    await finishRun(deps.warehouse, runId, message).catch(() => {});
    // An in-process run is not resumed: its batches are garbage now.
    await dropRunBatches(deps.warehouse, [runId]).catch(() => {});
    throw error;
  } finally {
    // Closing the session releases the run lock whatever state it is in.
    lockClient.release(true);
  }
}
