import { NativeConnection } from '@temporalio/worker';
import { z } from 'zod';
import { config } from '../../core/config.ts';
import { InfraError } from '../../core/errors.ts';
import { logger } from '../../core/logger.ts';
import { startMetricsServer } from '../../core/metrics.ts';
import { createPipelineDeps } from '../../pipeline/index.ts';
import { etlTaskQueue } from '../../workflows/constants.ts';
import { createEtlWorker } from '../../workflows/worker.ts';
import { installWorkerRuntime } from '../../workflows/worker-runtime.ts';
import { defineCommand } from '../command.ts';

/** DESIGN.md section 1: ETL processes expose metrics on 7100+, the worker on 7100. */
const WORKER_METRICS_PORT = 7100;

export const workerCommand = defineCommand({
  words: ['worker'],
  summary:
    'run the ETL worker: Temporal workflows and activities, metrics on :7100; SIGINT/SIGTERM stop it gracefully',
  flags: {
    'task-queue': { type: 'string' },
    'metrics-port': { type: 'string' },
    'max-activities': { type: 'string' },
    'commit-every-rows': { type: 'string' },
  },
  flagHelp: [
    '--task-queue Q      task queue to poll (default TEMPORAL_TASK_QUEUE or techmarket-etl)',
    `--metrics-port N    Prometheus /metrics on 127.0.0.1:N (default ${WORKER_METRICS_PORT}; 0 picks a free port)`,
    '--max-activities N  activities at once (default 8)',
    '--commit-every-rows N  rows per committed COPY chunk, the unit an interrupted extract resumes after (default 500000)',
  ],
  schema: z.object({
    'task-queue': z
      .string()
      .regex(/^[\w.-]{1,200}$/, 'must be letters, digits, ".", "_" or "-"')
      .optional(),
    'metrics-port': z.coerce.number().int().min(0).max(65535).default(WORKER_METRICS_PORT),
    'max-activities': z.coerce.number().int().min(1).max(64).default(8),
    'commit-every-rows': z.coerce.number().int().min(1_000).optional(),
  }),
  async run(flags, out) {
    const cfg = config();
    const taskQueue = flags['task-queue'] ?? etlTaskQueue();
    installWorkerRuntime(logger);
    const connection = await NativeConnection.connect({ address: cfg.TEMPORAL_ADDRESS }).catch((error) => {
      throw new InfraError(`Temporal does not answer at ${cfg.TEMPORAL_ADDRESS}`, {
        cause: error,
        hint: 'start it with: techmarket infra up',
      });
    });
    const commitEveryRows = flags['commit-every-rows'];
    const deps = createPipelineDeps(cfg, commitEveryRows ? { commitEveryRows } : {});
    const metrics = await startMetricsServer(flags['metrics-port']);
    try {
      const worker = await createEtlWorker({
        connection,
        namespace: cfg.TEMPORAL_NAMESPACE,
        taskQueue,
        deps,
        maxConcurrentActivities: flags['max-activities'],
      });
      // The SDK's runtime turns SIGINT/SIGTERM into worker.shutdown(): polling stops, running
      // activities get the grace time to finish, then run() resolves and everything closes below.
      for (const signal of ['SIGINT', 'SIGTERM'] as const) {
        process.once(signal, () =>
          logger.info({ signal }, 'worker shutting down: finishing running activities'),
        );
      }
      out.result(
        { taskQueue, namespace: cfg.TEMPORAL_NAMESPACE, metrics: `http://127.0.0.1:${metrics.port}/metrics` },
        () =>
          `worker polling task queue ${taskQueue} on ${cfg.TEMPORAL_ADDRESS} (namespace ${cfg.TEMPORAL_NAMESPACE}); metrics on http://127.0.0.1:${metrics.port}/metrics`,
      );
      await worker.run();
      logger.info('worker stopped');
      return 0;
    } finally {
      await metrics.close();
      await deps.close();
      await connection.close();
    }
  },
});
