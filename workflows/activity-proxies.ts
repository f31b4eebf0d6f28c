import {
  ActivityCancellationType,
  type ActivityOptions,
  patched,
  proxyActivities,
  proxyLocalActivities,
  type RetryPolicy,
} from '@temporalio/workflow';
import type { EtlActivities } from './activities/index.ts';

/**
 * Timeouts and retry policies of every ETL activity, in the one place they are proxied. Errors that
 * a retry cannot fix arrive as non-retryable ApplicationFailures (activities/activity-failure.ts); the
 * types below are refused here as well, in case one is thrown unclassified.
 */
const NON_RETRYABLE_ERROR_TYPES = [
  'ConfigError',
  'UsageError',
  'WorkflowInputError',
  'RunInProgressError',
  'DqGateError',
  'DqRuleFileError',
];

const QUICK_RETRY: RetryPolicy = {
  initialInterval: '1 second',
  backoffCoefficient: 2,
  maximumInterval: '30 seconds',
  maximumAttempts: 10,
  nonRetryableErrorTypes: NON_RETRYABLE_ERROR_TYPES,
};

type RunActivities = Pick<
  EtlActivities,
  'beginPipelineRun' | 'finishPipelineRun' | 'planBackfill' | 'prepareWindowExtract' | 'recordWindowExtract'
>;

/** Bookkeeping on etl.runs and planning: short, idempotent. */
export const runActivities = proxyActivities<RunActivities>({
  startToCloseTimeout: '2 minutes',
  retry: QUICK_RETRY,
});

/** The same as local activities: run by the worker that runs the workflow task (decision 0025). */
const localRunActivities = proxyLocalActivities<RunActivities>({
  startToCloseTimeout: '2 minutes',
  retry: QUICK_RETRY,
});

/** Workflows started since this patch make fewer round trips through the server (decision 0025). */
export const FEWER_ROUND_TRIPS_PATCH = 'fewer-round-trips';

/**
 * Whether this workflow makes fewer round trips: its bookkeeping as local activities and a run's
 * tables extracted by one activity. A regular activity costs two trips through the server (activity
 * task, then the workflow task its result wakes), 50–300 ms each on the 2-core machine, and a run
 * made three to six bookkeeping calls of tens of milliseconds and one extract per table in a row.
 * Histories from before the patch replay the old way. Call once, at the start of the workflow.
 */
export function fewerRoundTrips(): boolean {
  return patched(FEWER_ROUND_TRIPS_PATCH);
}

/** The run and planning activities: local ones when the workflow makes fewer round trips. */
export function bookkeepingActivities(fewer: boolean): RunActivities {
  return fewer ? localRunActivities : runActivities;
}

/**
 * Extracts run for as long as a big table takes, so a dead worker is found by the heartbeat timeout
 * (the activity beats every few seconds) rather than by the start-to-close timeout. The workflow waits
 * for a cancelled extract to stop, so a cancelled run is finalised only once nothing writes to it.
 */
export const extractActivities = proxyActivities<
  Pick<EtlActivities, 'extractSourceTable' | 'extractSourceTables' | 'extractWindowPart'>
>({
  startToCloseTimeout: '6 hours',
  heartbeatTimeout: '20 seconds',
  cancellationType: ActivityCancellationType.WAIT_CANCELLATION_COMPLETED,
  retry: {
    initialInterval: '2 seconds',
    backoffCoefficient: 2,
    maximumInterval: '2 minutes',
    maximumAttempts: 8,
    nonRetryableErrorTypes: NON_RETRYABLE_ERROR_TYPES,
  },
});

/** One PostgreSQL transaction: a retry starts it over from the committed state. */
const TRANSFORM_OPTIONS: ActivityOptions = {
  startToCloseTimeout: '4 hours',
  heartbeatTimeout: '1 minute',
  cancellationType: ActivityCancellationType.WAIT_CANCELLATION_COMPLETED,
  retry: {
    initialInterval: '5 seconds',
    backoffCoefficient: 2,
    maximumInterval: '2 minutes',
    maximumAttempts: 4,
    nonRetryableErrorTypes: NON_RETRYABLE_ERROR_TYPES,
  },
};

type TransformActivities = Pick<EtlActivities, 'transformRun'>;

export const transformActivities = proxyActivities<TransformActivities>(TRANSFORM_OPTIONS);

/**
 * The transform with another heartbeat timeout, when a workflow's input asks for one (decision 0026);
 * without one, the minute above.
 */
export function transformActivitiesWith(heartbeatSeconds: number | undefined): TransformActivities {
  if (heartbeatSeconds === undefined) return transformActivities;
  return proxyActivities<TransformActivities>({
    ...TRANSFORM_OPTIONS,
    heartbeatTimeout: `${heartbeatSeconds} seconds`,
  });
}

/** Data-quality rules after the load: read-only queries, so a retry after a lost connection is safe. */
export const qualityActivities = proxyActivities<Pick<EtlActivities, 'runQualityGate'>>({
  startToCloseTimeout: '1 hour',
  heartbeatTimeout: '1 minute',
  retry: {
    initialInterval: '5 seconds',
    backoffCoefficient: 2,
    maximumInterval: '1 minute',
    maximumAttempts: 3,
    nonRetryableErrorTypes: NON_RETRYABLE_ERROR_TYPES,
  },
});
