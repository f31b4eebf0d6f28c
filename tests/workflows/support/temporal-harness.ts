import { randomUUID } from 'node:crypto';
import { NativeConnection, type Worker } from '@temporalio/worker';
import { destination, pino } from 'pino';
import type { Config } from '../../../core/config.ts';
import { createPipelineDeps, type PipelineDeps } from '../../../pipeline/index.ts';
import { connectTemporal, type TemporalClient } from '../../../workflows/client.ts';
import { createEtlWorker } from '../../../workflows/worker.ts';
import { installWorkerRuntime } from '../../../workflows/worker-runtime.ts';
import { TEST_TABLES } from '../../support/warehouse-checks.ts';

/**
 * A test file's own ETL worker: built by the same factory as `techmarket worker`, polling a task queue
 * no other test uses, working on the file's scratch databases.
 */
export interface TestWorker {
  taskQueue: string;
  temporal: TemporalClient;
  deps: PipelineDeps;
  worker: Worker;
  /** Resolves when the worker has shut down. */
  running: Promise<void>;
  stop(): Promise<void>;
}

export function uniqueId(prefix: string): string {
  return `${prefix}-${randomUUID().slice(0, 8)}`;
}

/** Worker chatter (state changes, bundle size) stays out of test output; warnings still show. */
installWorkerRuntime(pino({ level: 'warn' }, destination(2)));

export async function startTestWorker(config: Config, taskQueue = uniqueId('etl-test')): Promise<TestWorker> {
  const connection = await NativeConnection.connect({ address: config.TEMPORAL_ADDRESS });
  const deps = createPipelineDeps(config);
  const worker = await createEtlWorker({
    connection,
    namespace: config.TEMPORAL_NAMESPACE,
    taskQueue,
    deps,
    sourceTables: TEST_TABLES,
  });
  const running = worker.run();
  const temporal = await connectTemporal(config);
  return {
    taskQueue,
    temporal,
    deps,
    worker,
    running,
    async stop() {
      if (worker.getState() === 'RUNNING') worker.shutdown();
      await running;
      await temporal.close();
      await connection.close();
      await deps.close();
    },
  };
}
