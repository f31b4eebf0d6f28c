import { spawn } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { REPO_ROOT } from '../../core/paths.ts';
import { uniqueId } from './support/temporal-harness.ts';

/** `techmarket worker` as a process: it reports where its metrics are, serves them, and stops on SIGTERM. */
describe('techmarket worker', () => {
  it('serves Prometheus metrics and exits cleanly on SIGTERM', async () => {
    const child = spawn(
      process.execPath,
      [
        `${REPO_ROOT}/bin/techmarket.js`,
        'worker',
        '--json',
        '--metrics-port',
        '0',
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
      expect((await fetch(started.metrics.replace('/metrics', '/other'))).status).toBe(404);
    } finally {
      child.kill('SIGTERM');
    }
    expect(await exited).toBe(0);
  }, 60_000);
});
