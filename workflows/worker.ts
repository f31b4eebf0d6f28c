import { fileURLToPath } from 'node:url';
import { type NativeConnection, Worker } from '@temporalio/worker';
import type { PipelineDeps, SourceTable } from '../pipeline/index.ts';
import { createActivities } from './activities/index.ts';
import { activityLogContextInterceptor } from './worker-log-context.ts';
import { activityMetricsInterceptor, initActivityMetrics } from './worker-metrics.ts';

/** The file the worker bundles into the workflow sandbox. */
export const WORKFLOWS_PATH = fileURLToPath(new URL('./index.ts', import.meta.url));

export interface EtlWorkerOptions {
  connection: NativeConnection;
  namespace: string;
  taskQueue: string;
  deps: PipelineDeps;
  /** The source table catalogue (default SOURCE_TABLES). */
  sourceTables?: readonly SourceTable[];
  /** Activities at once; extracts are bounded per run by the workflow too (default 8). */
  maxConcurrentActivities?: number;
}

/**
 * The ETL worker, the one factory `techmarket worker` and the tests use: the workflows of
 * workflows/index.ts and the activities built from the pipeline's own dependencies.
 */
export function createEtlWorker(options: EtlWorkerOptions): Promise<Worker> {
  const activities = createActivities(options.deps, { sourceTables: options.sourceTables });
  initActivityMetrics(Object.keys(activities));
  return Worker.create({
    connection: options.connection,
    namespace: options.namespace,
    taskQueue: options.taskQueue,
    workflowsPath: WORKFLOWS_PATH,
    activities,
    interceptors: { activity: [activityLogContextInterceptor, activityMetricsInterceptor] },
    maxConcurrentActivityTaskExecutions: options.maxConcurrentActivities ?? 8,
    // On SIGTERM running activities get this long to finish; an extract cut off later resumes from
    // its last committed COPY chunk on whichever worker retries it.
    shutdownGraceTime: '20 seconds',
  });
}
