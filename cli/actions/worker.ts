import { NativeConnection } from '@temporalio/worker';
import { config } from '../../core/config.ts';
import { InfraError } from '../../core/errors.ts';
import { logger, setLogProcess } from '../../core/logger.ts';
import { metricsRegistry, startMetricsServer } from '../../core/metrics.ts';
import { createPipelineDeps, registerPipelineMetrics, warehouseName } from '../../pipeline/index.ts';
import { etlTaskQueue } from '../../workflows/constants.ts';
import { createEtlWorker } from '../../workflows/worker.ts';
import { installWorkerRuntime } from '../../workflows/worker-runtime.ts';
import type { WorkerFlags } from '../commands/worker.ts';
import type { Output } from '../output.ts';

export async function runWorker(flags: WorkerFlags, out: Output): Promise<number> {
  const cfg = config();
  setLogProcess('worker');
  const taskQueue = flags['task-queue'] ?? etlTaskQueue();
  const sdkPort = flags['sdk-metrics-port'];
  installWorkerRuntime(logger, sdkPort ? { sdkMetricsAddress: `127.0.0.1:${sdkPort}` } : {});
  const connection = await NativeConnection.connect({ address: cfg.TEMPORAL_ADDRESS }).catch((error) => {
    throw new InfraError(`Temporal does not answer at ${cfg.TEMPORAL_ADDRESS}`, {
      cause: error,
      hint: 'start it with: techmarket infra up',
    });
  });
  const commitEveryRows = flags['commit-every-rows'];
  const deps = createPipelineDeps(cfg, commitEveryRows ? { commitEveryRows } : {});
  registerPipelineMetrics(metricsRegistry, {
    warehouse: deps.warehouse,
    warehouseName: warehouseName(cfg.DWH_URL),
    source: deps.source,
  });
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
}
