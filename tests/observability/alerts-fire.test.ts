import { Registry } from 'prom-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type MetricsServer, startMetricsServer } from '../../core/metrics.ts';
import {
  createPipelineDeps,
  LOCAL_RUN_PUSH_JOB,
  type PipelineDeps,
  pushPipelineMetrics,
  registerPipelineMetrics,
  runPipeline,
  warehouseName,
} from '../../pipeline/index.ts';
import { shopWithOrders } from '../dq/dq-test-kit.ts';
import { breakNextLoadOf } from '../support/broken-load.ts';
import { type PrivatePrometheus, startPrivatePrometheus } from '../support/private-prometheus.ts';
import { createScratch, type Scratch } from '../support/scratch.ts';
import { SourceWriter } from '../support/source-writer.ts';
import { TEST_TABLES } from '../support/warehouse-checks.ts';

const PUSHGATEWAY = 'http://127.0.0.1:9091';

describe('alerts fire in Prometheus on the platform’s own figures', () => {
  let scratch: Scratch;
  let writer: SourceWriter;
  let deps: PipelineDeps;
  let shop: Awaited<ReturnType<typeof shopWithOrders>>;
  let exporter: MetricsServer;
  let prometheus: PrivatePrometheus;
  let warehouse: string;
  const run = () => runPipeline(deps, { tables: TEST_TABLES, kind: 'incremental', trigger: 'test' });
  const firingFor = async (alertname: string) =>
    (await prometheus.alerts()).filter(
      (a) => a.labels.alertname === alertname && a.labels.warehouse === warehouse && a.state === 'firing',
    );

  beforeAll(async () => {
    scratch = await createScratch();
    writer = new SourceWriter(scratch.config);
    // The suite turns the push off for every other test (vitest.config.ts); this one tests it.
    deps = createPipelineDeps({ ...scratch.config, PUSHGATEWAY_URL: PUSHGATEWAY });
    shop = await shopWithOrders(writer);
    warehouse = warehouseName(scratch.config.DWH_URL);
    await run();
    // What the worker serves on 7100, on a port of this test's own.
    const registry = new Registry();
    registerPipelineMetrics(registry, {
      warehouse: deps.warehouse,
      warehouseName: warehouse,
      source: deps.source,
    });
    exporter = await startMetricsServer(0, '127.0.0.1', registry);
    prometheus = await startPrivatePrometheus([
      { job: 'etl-worker', address: `127.0.0.1:${exporter.port}` },
      { job: 'pushgateway', address: '127.0.0.1:9091', honorLabels: true },
    ]);
  });
  afterAll(async () => {
    await prometheus?.close();
    await exporter?.close().catch(() => {});
    await fetch(`${PUSHGATEWAY}/metrics/job/${LOCAL_RUN_PUSH_JOB}/warehouse/${warehouse}`, {
      method: 'DELETE',
    });
    await deps.close();
    await writer.close();
    await scratch.drop();
  });

  it('a --local run’s figures reach Prometheus through the Pushgateway', async () => {
    expect(await pushPipelineMetrics(deps)).toBe(true);
    const pushed = `techmarket_etl_runs_total{job="${LOCAL_RUN_PUSH_JOB}", warehouse="${warehouse}", kind="incremental", status="succeeded"}`;
    await prometheus.waitForSeries(pushed, 30);
    expect((await prometheus.query(pushed))[0]!.value[1]).toBe('1');
    // The scraped figures agree with the pushed ones, and the order lines were counted.
    const extracted = `techmarket_etl_rows_extracted_total{warehouse="${warehouse}", table="orders.order_items"}`;
    await prometheus.waitForSeries(`count(${extracted}) == 2`, 30);
    const rows = await prometheus.query(extracted);
    expect(rows.map((r) => r.value[1])).toEqual(['8', '8']);
  });

  it('a forced data-quality error fires DataQualityError and EtlRunFailed; nothing before it', async () => {
    await prometheus.waitForSeries(`up{job="etl-worker"} == 1`, 30);
    // Several evaluations on a clean run: neither alert is even pending.
    await prometheus.waitForSeries(`count_over_time(up{job="etl-worker"}[1m]) >= 5`, 30);
    expect(
      (await prometheus.query(`ALERTS{warehouse="${warehouse}"}`)).map((s) => s.metric.alertname),
    ).toEqual([]);

    const undo = await breakNextLoadOf(deps.warehouse, writer, shop.orders[0]!.itemIds[0]!);
    const failure = await run().catch((error: unknown) => error);
    await undo();
    expect(failure).toBeInstanceOf(Error);
    await prometheus.waitForAlert({ alertname: 'DataQualityError', warehouse }, 'firing', 30);
    await prometheus.waitForAlert(
      { alertname: 'EtlRunFailed', warehouse, kind: 'incremental' },
      'firing',
      30,
    );
    expect((await firingFor('DataQualityError'))[0]!.labels.severity).toBe('critical');
  });

  it('a stopped target fires TargetDown for that target alone', async () => {
    const instance = `127.0.0.1:${exporter.port}`;
    await prometheus.waitForSeries(`up{instance="${instance}"} == 1`, 30);
    await exporter.close();
    await prometheus.waitForAlert({ alertname: 'TargetDown', instance }, 'firing', 60);
    const down = (await prometheus.alerts()).filter((a) => a.labels.alertname === 'TargetDown');
    expect(down.map((a) => a.labels.instance)).toEqual([instance]);
  });
});
