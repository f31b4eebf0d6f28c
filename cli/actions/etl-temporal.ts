import { config } from '../../core/config.ts';
import { TechmarketError } from '../../core/errors.ts';
import { addLogContext, logger } from '../../core/logger.ts';
import { formatCount } from '../../core/progress.ts';
import { qualifiedName, selectSourceTables } from '../../pipeline/index.ts';
import type { BackfillOutcome } from '../../workflows/backfill.ts';
import { connectTemporal, temporalUiLink } from '../../workflows/client.ts';
import { etlTaskQueue } from '../../workflows/constants.ts';
import { cancelSignal } from '../../workflows/definitions.ts';
import { followBackfill, followPipelineRun } from '../../workflows/follow-run.ts';
import type { PipelineRunOutcome } from '../../workflows/pipeline-run.ts';
import {
  type StartedRun,
  startBackfill,
  startDailyPipeline,
  startTablePipeline,
} from '../../workflows/start-workflows.ts';
import { taskQueueHasWorker } from '../../workflows/task-queue.ts';
import type { EtlCancelFlags } from '../commands/etl.ts';
import { type Output, renderTable } from '../output.ts';
import { describeRun, progressReporter } from './etl-run-output.ts';

type EtlRequest =
  | { kind: 'incremental'; tables: string[] }
  | { kind: 'backfill'; tables: string[]; from: string; to: string; windowFrom: string; windowTo: string };

/**
 * The default path: start the run as a workflow, print its id and Temporal UI link, then follow its
 * progress query until it ends (or return at once with --detach). When Temporal does not answer the
 * command fails and says so; it never falls back to an in-process run by itself, because a run the
 * operator believes orchestrated (retried, visible in the UI, cancellable) must not silently be neither.
 */
export async function runThroughTemporal(out: Output, request: EtlRequest, detach: boolean): Promise<number> {
  const cfg = config();
  const tables = selectSourceTables(request.tables).map(qualifiedName);
  const temporal = await connectTemporal(cfg, {
    hint: 'start it with: techmarket infra up   (or run in this process with --local)',
  });
  try {
    const taskQueue = etlTaskQueue();
    const options = { taskQueue, timeZone: cfg.BUSINESS_TZ };
    let started: StartedRun;
    if (request.kind === 'backfill') {
      started = await startBackfill(
        temporal.client,
        { from: request.from, to: request.to, tables: request.tables.length > 0 ? tables : [] },
        options,
      );
    } else if (request.tables.length === 1) {
      started = await startTablePipeline(temporal.client, { table: tables[0]! }, options);
    } else {
      started = await startDailyPipeline(
        temporal.client,
        { tables: request.tables.length > 0 ? tables : [] },
        options,
      );
    }
    addLogContext({ workflowId: started.workflowId });
    logger.info({ workflowType: started.workflowType, tables }, 'pipeline run started through Temporal');
    const link = temporalUiLink(cfg, started.workflowId, started.runId);
    const hasWorker = await taskQueueHasWorker(temporal.client, taskQueue).catch(() => true);
    if (detach) {
      out.result(
        {
          workflowId: started.workflowId,
          runId: started.runId,
          workflowType: started.workflowType,
          url: link,
          hasWorker,
        },
        () =>
          [
            `started ${started.workflowType} ${started.workflowId}`,
            `  ${link}`,
            hasWorker
              ? ''
              : `  no worker polls task queue ${taskQueue} yet: start one with 'techmarket worker'`,
          ]
            .filter(Boolean)
            .join('\n'),
      );
      return 0;
    }
    out.line(`started ${started.workflowType} ${started.workflowId}\n  ${link}`);
    if (!hasWorker)
      out.line(`  no worker polls task queue ${taskQueue} yet: start one with 'techmarket worker'`);
    out.line(
      `  Ctrl-C stops following; the run goes on (stop it: techmarket etl cancel --workflow-id ${started.workflowId})`,
    );
    const progress = progressReporter(out);
    try {
      if (request.kind === 'backfill') {
        const outcome = await followBackfill<BackfillOutcome>(started.handle, progress);
        progress.finish();
        out.result({ ...outcome, url: link }, () => describeBackfill(outcome));
      } else {
        const outcome = await followPipelineRun<PipelineRunOutcome>(started.handle, progress);
        progress.finish();
        logger.info({ etlRunId: outcome.runId, seconds: outcome.seconds }, 'pipeline run succeeded');
        const dq = Object.entries(outcome.quality.counts)
          .map(([status, count]) => `${count} ${status}`)
          .join(', ');
        out.result({ ...outcome, url: link }, () =>
          [describeRun(outcome), `  dq run ${outcome.quality.dqRunId}: ${dq}`].join('\n'),
        );
      }
      return 0;
    } catch (error) {
      progress.finish();
      logger.error({ err: rootMessage(error) }, 'pipeline run failed');
      throw new TechmarketError(
        `${started.workflowType} ${started.workflowId} failed: ${rootMessage(error)}`,
        {
          hint: `see its history: ${link}`,
        },
      );
    }
  } finally {
    await temporal.close();
  }
}

/** The failure's own message, under Temporal's WorkflowFailed / ActivityFailure wrappers. */
function rootMessage(error: unknown): string {
  let current = error as { cause?: unknown; message?: string } | undefined;
  while (current?.cause) current = current.cause as typeof current;
  return current?.message ?? String(error);
}

function describeBackfill(outcome: BackfillOutcome): string {
  const rows = outcome.chunks.map((c) => ({
    chunk: c.from === c.to ? c.from : `${c.from}..${c.to}`,
    state: c.state,
    run: c.runId,
    rows: formatCount(c.rows),
  }));
  return `backfill ${outcome.workflowId}: ${outcome.chunks.length} chunks in ${outcome.seconds.toFixed(1)}s\n${renderTable(rows)}`;
}

export async function cancelRun(flags: EtlCancelFlags, out: Output): Promise<number> {
  const cfg = config();
  const temporal = await connectTemporal(cfg);
  try {
    const workflowId = flags['workflow-id'];
    await temporal.client.workflow.getHandle(workflowId).signal(cancelSignal, { reason: flags.reason });
    out.result({ workflowId, signalled: 'cancel', url: temporalUiLink(cfg, workflowId) }, () =>
      [`asked ${workflowId} to stop after its current step`, `  ${temporalUiLink(cfg, workflowId)}`].join(
        '\n',
      ),
    );
    return 0;
  } finally {
    await temporal.close();
  }
}
