import { onWatermarkPath, qualifiedName } from '../../pipeline/index.ts';
import { beginRun, dropRunBatches, finishedRunsWithBatches, finishRun } from '../../warehouse/index.ts';
import {
  type FinishActivityInput,
  finishInputSchema,
  type PipelineRunRequest,
  parseInput,
  pipelineRunRequestSchema,
  type RunPlan,
} from '../schemas.ts';
import { type ActivityDeps, currentWorkflowId, resolveTables } from './activity-context.ts';
import { classifyFailures } from './activity-failure.ts';

/** The trigger etl.runs records for runs driven by Temporal; beginRun judges their liveness by heartbeat. */
export const TEMPORAL_TRIGGER = 'temporal';

/** Activities on the warehouse's run records (etl.runs): begin and finish a run. */
export function createRunActivities(deps: ActivityDeps) {
  return {
    /** Validates the run request, records the run (or continues this workflow's open one). */
    beginPipelineRun: classifyFailures(async (request: PipelineRunRequest): Promise<RunPlan> => {
      const valid = parseInput(pipelineRunRequestSchema, request, 'pipeline run');
      // Tables switched to CDC are fed by the consumer, not by this run.
      const tables = (await onWatermarkPath(deps.pipeline.warehouse, resolveTables(deps, valid.tables))).map(
        qualifiedName,
      );
      const client = await deps.pipeline.warehouse.connect();
      try {
        const began = await beginRun(client, {
          kind: valid.kind,
          tables,
          trigger: TEMPORAL_TRIGGER,
          windowFrom: valid.windowFrom,
          windowTo: valid.windowTo,
          workflowId: currentWorkflowId(),
          adoptOpenRunOfWorkflow: true,
        });
        await dropRunBatches(client, [...began.abandoned, ...(await finishedRunsWithBatches(client))]);
        return {
          runId: began.runId,
          adopted: began.adopted,
          kind: valid.kind,
          tables,
          windowFrom: valid.windowFrom,
          windowTo: valid.windowTo,
          extractParallelism: valid.extractParallelism,
        };
      } finally {
        client.release();
      }
    }),

    /**
     * Records the end of a run. A failed or cancelled run's batch tables go too: the transform never
     * committed them, and the next run extracts afresh.
     */
    finishPipelineRun: classifyFailures(async (input: FinishActivityInput): Promise<void> => {
      const valid = parseInput(finishInputSchema, input, 'finish run');
      if (valid.error) await dropRunBatches(deps.pipeline.warehouse, [valid.runId]);
      await finishRun(deps.pipeline.warehouse, valid.runId, valid.error);
    }),
  };
}
