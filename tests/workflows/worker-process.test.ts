import { spawn } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { REPO_ROOT } from '../../core/paths.ts';
import { freePort } from '../support/private-prometheus.ts';
import { uniqueId } from './support/temporal-harness.ts';

/** `techmarket worker` as a process: it reports where its metrics are, serves them, and stops on SIGTERM. */
describe('techmarket worker', () => {
  it('serves Prometheus metrics, its own and the Temporal SDK’s, and exits cleanly on SIGTERM', async () => {
    const sdkPort = await freePort();
    const child = spawn(
      process.execPath,
      [
        `${REPO_ROOT}/bin/techmarket.js`,
        'worker',
        '--json',
        '--metrics-port',
        '0',
        '--sdk-metrics-port',
        String(sdkPort),
        '--task-queue',
        uniqueId('etl-test-proc'),
      ],
      { env: { ...process.env, LOG_LEVEL: 'warn' }, stdio: ['ignore', 'pipe', 'inherit'] },
    );
    const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
    try {
      let stdout = '';
      const started = await new Promise<{ metrics: string; taskQueue: string }>((resolve, reject) => {
        child.stdout.on('data', (chunk: Buffer) => {
          stdout += chunk.toString();
          try {
            resolve(JSON.parse(stdout));
          } catch {
            // the JSON document is not complete yet
          }
        });
        // rejects only if the worker exits before it printed its address (later rejections are no-ops)
        void exited.then((code) => reject(new Error(`worker exited early with ${code}: ${stdout}`)));
      });
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
      child.kill('SIGTERM');
    }
    expect(await exited).toBe(0);
  }, 60_000);
});
