import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { NativeConnection, type Worker } from '@temporalio/worker';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { type MetricsServer, metricsRegistry, startMetricsServer } from '../../core/metrics.ts';
import { REPO_ROOT } from '../../core/paths.ts';
import {
  createPipelineDeps,
  type PipelineDeps,
  registerPipelineMetrics,
  warehouseName,
} from '../../pipeline/index.ts';
import { connectTemporal } from '../../workflows/client.ts';
import { startDailyPipeline } from '../../workflows/start-workflows.ts';
import { createEtlWorker } from '../../workflows/worker.ts';
import { installWorkerRuntime } from '../../workflows/worker-runtime.ts';
import { shopWithOrders } from '../dq/dq-test-kit.ts';
import { freePort, type PrivatePrometheus, startPrivatePrometheus } from '../support/private-prometheus.ts';
import { createScratch, type Scratch } from '../support/scratch.ts';
import { SourceWriter } from '../support/source-writer.ts';
import { TEST_TABLES } from '../support/warehouse-checks.ts';

const DASHBOARDS = join(REPO_ROOT, 'ops/grafana/dashboards');
const LIVE_PROMETHEUS = 'http://127.0.0.1:9090';
/**
 * The dashboards whose every panel must show data after a pipeline run. The services' and the CDC
 * consumer's need those processes, which are not built yet: their queries are evaluated only.
 */
const MUST_SHOW_DATA = ['techmarket-pipeline', 'techmarket-freshness-dq', 'techmarket-overview'];

const dashboardSchema = z.object({
  uid: z.string(),
  title: z.string(),
  panels: z.array(
    z.object({ title: z.string(), targets: z.array(z.object({ expr: z.string().min(1) })).min(1) }),
  ),
});

const queries = readdirSync(DASHBOARDS)
  .filter((name) => name.endsWith('.json'))
  .flatMap((name) => {
    const dashboard = dashboardSchema.parse(JSON.parse(readFileSync(join(DASHBOARDS, name), 'utf8')));
    return dashboard.panels.flatMap((panel) =>
      panel.targets.map((target) => ({ dashboard: dashboard.uid, panel: panel.title, expr: target.expr })),
    );
  });

/** Grafana's variables as the dashboards' defaults give them. */
const withVariables = (expr: string, warehouse: string) => expr.replaceAll('$warehouse', warehouse);

describe('Grafana dashboards', () => {
  it('are provisioned from files that all parse, with every panel querying Prometheus', () => {
    const uids = new Set(queries.map((q) => q.dashboard));
    expect([...uids].sort()).toEqual([
      'techmarket-cdc',
      'techmarket-freshness-dq',
      'techmarket-http',
      'techmarket-overview',
      'techmarket-pipeline',
    ]);
  });

  it('every panel query evaluates on the live Prometheus', async () => {
    const refused: string[] = [];
    for (const query of queries) {
      const response = await fetch(
        `${LIVE_PROMETHEUS}/api/v1/query?query=${encodeURIComponent(withVariables(query.expr, 'dwh'))}`,
      );
      const body = (await response.json()) as { status: string; error?: string };
      if (body.status !== 'success') refused.push(`${query.dashboard} / ${query.panel}: ${body.error}`);
    }
    expect(refused).toEqual([]);
  });

  describe('after a pipeline run through Temporal', () => {
    let scratch: Scratch;
    let writer: SourceWriter;
    let deps: PipelineDeps;
    let exporter: MetricsServer;
    let prometheus: PrivatePrometheus;
    let connection: NativeConnection;
    let worker: Worker;
    let running: Promise<void>;
    let warehouse: string;

    beforeAll(async () => {
      scratch = await createScratch();
      writer = new SourceWriter(scratch.config);
      await shopWithOrders(writer);
      deps = createPipelineDeps(scratch.config);
      warehouse = warehouseName(scratch.config.DWH_URL);
      // The worker as `techmarket worker` builds it: its metrics, the pipeline's and the SDK's.
      const sdkPort = await freePort();
      installWorkerRuntime(pino({ level: 'warn' }), { sdkMetricsAddress: `127.0.0.1:${sdkPort}` });
      registerPipelineMetrics(metricsRegistry, {
        warehouse: deps.warehouse,
        warehouseName: warehouse,
        source: deps.source,
      });
      exporter = await startMetricsServer(0);
      prometheus = await startPrivatePrometheus([
        { job: 'etl-worker', address: `127.0.0.1:${exporter.port}`, labels: { service: 'etl-worker' } },
        { job: 'temporal-sdk', address: `127.0.0.1:${sdkPort}`, labels: { service: 'etl-worker' } },
      ]);
      connection = await NativeConnection.connect({ address: scratch.config.TEMPORAL_ADDRESS });
      const taskQueue = `etl-dashboards-${scratch.suffix}`;
      worker = await createEtlWorker({
        connection,
        namespace: scratch.config.TEMPORAL_NAMESPACE,
        taskQueue,
        deps,
        sourceTables: TEST_TABLES,
      });
      running = worker.run();
      // Prometheus sees the counters before the run, so their increases show as rates.
      await prometheus.waitForSeries('count(up == 1) == 2', 30);
      const temporal = await connectTemporal(scratch.config);
      try {
        const runDaily = async (attempt: string) => {
          const started = await startDailyPipeline(
            temporal.client,
            {},
            { taskQueue, workflowId: `etl-daily-dashboards-${scratch.suffix}-${attempt}` },
          );
          await started.handle.result();
        };
        await runDaily('first');
        // The SDK creates a histogram's series at its first observation, and Prometheus takes a new
        // series' first sample as its baseline: a run that ends between two scrapes leaves every rate of
        // those series at zero. A second run, after Prometheus has seen the series, makes them move.
        await prometheus.waitForSeries(
          'count(temporal_activity_schedule_to_start_latency_seconds_count) > 0',
          30,
        );
        await runDaily('second');
      } finally {
        await temporal.close();
      }
      // Prometheus has scraped the finished run, and the alerts of a never-loaded warehouse are over.
      await prometheus.waitForSeries(
        `techmarket_etl_run_last_finished_timestamp_seconds{warehouse="${warehouse}", kind="incremental", status="succeeded"} > 0`,
        30,
      );
      await prometheus.waitForSeries(`absent(ALERTS{warehouse="${warehouse}", alertstate="firing"})`, 30);
    });
    afterAll(async () => {
      if (worker?.getState() === 'RUNNING') worker.shutdown();
      await running;
      await connection?.close();
      await prometheus?.close();
      await exporter?.close();
      await deps?.close();
      await writer?.close();
      await scratch?.drop();
    });

    it('every panel of the pipeline, freshness-DQ and processes dashboards returns data', async () => {
      const mustShow = queries.filter((q) => MUST_SHOW_DATA.includes(q.dashboard));
      const empty = async () => {
        const missing: string[] = [];
        for (const query of mustShow) {
          const series = await prometheus.query(withVariables(query.expr, warehouse));
          if (!series.some((s) => Number.isFinite(Number(s.value[1]))))
            missing.push(`${query.dashboard} / ${query.panel}`);
        }
        return missing;
      };
      // Rates need two scrapes after the run; the SDK reports its figures every few seconds.
      const deadline = Date.now() + 30_000;
      let missing = await empty();
      while (missing.length > 0 && Date.now() < deadline) {
        await new Promise((r) => setTimeout(r, 1000));
        missing = await empty();
      }
      expect(missing).toEqual([]);
      expect(mustShow.length).toBe(24);
    });

    it('the operator overview page Prometheus serves shows the run, each table’s freshness and the gate', async () => {
      const response = await fetch(`${prometheus.url}/consoles/techmarket.html?warehouse=${warehouse}`);
      const page = await response.text();
      expect(response.status, page).toBe(200);
      expect(page).toContain(`warehouse ${warehouse}`);
      expect(page).toMatch(/<td>incremental<\/td>[\s\S]*?<td class="good">succeeded<\/td>/);
      for (const table of TEST_TABLES) expect(page).toContain(`<td>${table.database}.${table.table}</td>`);
      expect(page).toMatch(/<td>error<\/td><td>pass<\/td><td class="num">\d+<\/td>/);
      expect(page).not.toContain('class="bad"');
    });
  });
});
