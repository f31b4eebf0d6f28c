import type { ActivityInterceptorsFactory } from '@temporalio/worker';
import { childLogger, withLogContext } from '../core/logger.ts';

const log = childLogger({ component: 'activity' });

/**
 * Every line an activity logs carries its workflow id, the pipeline run id its input names (every
 * activity after beginPipelineRun takes `runId`, the etl.runs id) and the activity's name, so
 * `techmarket logs --run ID` finds it; the pipeline steps themselves know nothing of Temporal. Each
 * attempt also leaves one line saying how it ended.
 */
export const activityLogContextInterceptor: ActivityInterceptorsFactory = (context) => ({
  inbound: {
    execute(input, next) {
      const first = input.args[0] as { runId?: unknown } | undefined;
      const etlRunId = typeof first?.runId === 'number' ? first.runId : undefined;
      // Standalone activities have no workflow; ours always do.
      const workflowId = context.info.workflowExecution?.workflowId;
      const activity = context.info.activityType;
      return withLogContext(
        {
          activity,
          ...(workflowId !== undefined && { workflowId }),
          ...(etlRunId !== undefined && { etlRunId }),
        },
        async () => {
          const started = performance.now();
          const seconds = () => Number(((performance.now() - started) / 1000).toFixed(3));
          try {
            const result = await next(input);
            const began = result as { runId?: unknown } | undefined;
            // beginPipelineRun learns the run id: its own line names it.
            const ran =
              activity === 'beginPipelineRun' && typeof began?.runId === 'number'
                ? { etlRunId: began.runId }
                : {};
            log.info({ attempt: context.info.attempt, seconds: seconds(), ...ran }, 'activity succeeded');
            return result;
          } catch (error) {
            log.warn(
              { attempt: context.info.attempt, seconds: seconds(), err: (error as Error).message },
              'activity failed',
            );
            throw error;
          }
        },
      );
    },
  },
});
