import { etlTest } from '../../support/fixtures.ts';
import { startTestWorker, type TestWorker } from './temporal-harness.ts';

/**
 * The shared ETL fixtures plus `worker`: an ETL worker on the scratch, polling a task queue of the
 * file's own, started when a test first asks for it and stopped after the file's last test.
 */
export const workflowTest = etlTest.extend<{ worker: TestWorker }>({
  worker: [
    async ({ scratch }, use) => {
      const worker = await startTestWorker(scratch.config);
      await use(worker);
      await worker.stop();
    },
    { scope: 'file' },
  ],
});
