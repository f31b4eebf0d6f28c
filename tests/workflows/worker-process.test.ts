import { describe, expect, it } from 'vitest';
import { freePort } from '../support/private-prometheus.ts';
import { printedJson, startTechmarket } from '../support/techmarket-process.ts';
import { uniqueId } from './support/temporal-harness.ts';

/** `techmarket worker` as a process: it reports where its metrics are, serves them, and stops on SIGTERM. */
describe('techmarket worker', () => {
  it('serves Prometheus metrics, its own and the Temporal SDK’s, and exits cleanly on SIGTERM', async () => {
    const sdkPort = await freePort();
    const worker = startTechmarket(
      [
        'worker',
        '--json',
        '--metrics-port',
        '0',
        '--sdk-metrics-port',
        String(sdkPort),
        '--task-queue',
        uniqueId('etl-test-proc'),
      ],
      { ...process.env, LOG_LEVEL: 'warn' },
    );
    try {
      const started = await printedJson<{ metrics: string; taskQueue: string }>(worker);
      expect(started.metrics).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/metrics$/);

      const response = await fetch(started.metrics);
      expect(response.status).toBe(200);
      const body = await response.text();
      expect(body).toContain('# TYPE techmarket_etl_activity_seconds histogram');
      expect(body).toContain('techmarket_process_cpu_seconds_total');
      // The pipeline's figures come from the warehouse's records, readable or not (then said so).
      expect(body).toMatch(/techmarket_etl_records_readable\{warehouse="dwh"\} [01]/);
      expect((await fetch(started.metrics.replace('/metrics', '/other'))).status).toBe(404);
      const sdk = await (await fetch(`http://127.0.0.1:${sdkPort}/metrics`)).text();
      expect(sdk).toContain('temporal_worker_task_slots_available');
    } finally {
      worker.child.kill('SIGTERM');
    }
    expect(await worker.exited, worker.stderr()).toBe(0);
  }, 60_000);
});
