import { NativeConnection, type Worker } from '@temporalio/worker';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type MetricsServer, metricsRegistry, startMetricsServer } from '../../core/metrics.ts';
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
import { panelQueries, panelsWithoutData, withVariables } from '../support/dashboard-panels.ts';
import { freePort, type PrivatePrometheus, startPrivatePrometheus } from '../support/private-prometheus.ts';
import { createScratch, type Scratch } from '../support/scratch.ts';
import { SourceWriter } from '../support/source-writer.ts';
import { TEST_TABLES } from '../support/warehouse-checks.ts';

const LIVE_PROMETHEUS = 'http://127.0.0.1:9090';
/**
 * The dashboards whose every panel must show data after a pipeline run through Temporal. The services'
 * and the CDC consumer's are checked where those processes run: tests/observability/
 * service-panels.test.ts and tests/cdc/cdc-path.test.ts.
 */
const MUST_SHOW_DATA = ['techmarket-pipeline', 'techmarket-freshness-dq', 'techmarket-overview'];

describe('Grafana dashboards', () => {
  it('are provisioned from files that all parse, with every panel querying Prometheus', () => {
    const uids = new Set(panelQueries.map((q) => q.dashboard));
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
    for (const query of panelQueries) {
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
      expect(panelQueries.filter((q) => MUST_SHOW_DATA.includes(q.dashboard)).length).toBe(24);
      const missing = await panelsWithoutData(prometheus, MUST_SHOW_DATA, { warehouse, timeoutMs: 30_000 });
      expect(missing).toEqual([]);
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
