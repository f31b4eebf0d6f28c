import { Registry } from 'prom-client';
import { expect } from 'vitest';
import { registerPipelineMetrics, warehouseName } from '../../pipeline/index.ts';
import { beginCdcRun, writeCdcApplied } from '../../warehouse/index.ts';
import { etlTest } from '../support/fixtures.ts';

/** Every series of the registry as `name{label="value",…}` → value (labels sorted, warehouse left out). */
async function seriesOf(registry: Registry): Promise<Map<string, number>> {
  const series = new Map<string, number>();
  for (const metric of await registry.getMetricsAsJSON()) {
    for (const { labels, value } of metric.values) {
      const named = Object.entries(labels)
        .filter(([k]) => k !== 'warehouse')
        .sort(([a], [b]) => a.localeCompare(b))
        .map(([k, v]) => `${k}="${v}"`)
        .join(',');
      series.set(`${metric.name}{${named}}`, value);
    }
  }
  return series;
}

// First: the file's tests share one scratch warehouse.
etlTest(
  'a warehouse without CDC exports no CDC table series and zero CDC runs',
  async ({ deps, scratch }) => {
    const registry = new Registry();
    registerPipelineMetrics(registry, {
      warehouse: deps.warehouse,
      warehouseName: warehouseName(scratch.config.DWH_URL),
    });
    const series = await seriesOf(registry);
    expect(series.get('techmarket_etl_records_readable{}')).toBe(1);
    expect(series.get('techmarket_etl_runs_total{kind="cdc",status="succeeded"}')).toBe(0);
    expect([...series.keys()].filter((k) => k.startsWith('techmarket_etl_cdc_'))).toEqual([]);
  },
);

etlTest(
  'CDC micro-batches show in the pipeline metrics (runs, batch time, events, lag) without hiding the last watermark run’s steps',
  async ({ deps, scratch, run }) => {
    await run();
    const client = await deps.warehouse.connect();
    try {
      // Two micro-batches of 1.5 s each, as the consumer records them, the second newer than the run.
      for (const events of [300, 200]) {
        const runId = await beginCdcRun(client, ['orders.customers']);
        await client.query(
          `update etl.runs set status = 'succeeded', started_at = clock_timestamp() - interval '1.5 seconds',
                  finished_at = clock_timestamp() where run_id = $1`,
          [runId],
        );
        await writeCdcApplied(client, [
          {
            sourceTable: 'orders.customers',
            events,
            lastSourceAt: new Date(Date.now() - 4_000).toISOString().replace('T', ' ').replace('Z', ''),
            binlogPosition: null,
          },
        ]);
      }
    } finally {
      client.release();
    }

    const registry = new Registry();
    registerPipelineMetrics(registry, {
      warehouse: deps.warehouse,
      warehouseName: warehouseName(scratch.config.DWH_URL),
    });
    const series = await seriesOf(registry);
    const cdc = 'kind="cdc",status="succeeded"';
    expect(series.get(`techmarket_etl_runs_total{${cdc}}`)).toBe(2);
    expect(series.get('techmarket_etl_runs_total{kind="cdc",status="failed"}')).toBe(0);
    expect(series.get(`techmarket_etl_run_seconds_total{${cdc}}`)).toBeCloseTo(3, 1);
    expect(series.get(`techmarket_etl_run_last_duration_seconds{${cdc}}`)).toBeCloseTo(1.5, 1);
    expect(series.get('techmarket_etl_runs_total{kind="incremental",status="succeeded"}')).toBe(1);
    expect(series.get('techmarket_etl_cdc_events_applied_total{table="orders.customers"}')).toBe(500);
    const lag = series.get('techmarket_etl_cdc_lag_seconds{table="orders.customers"}');
    expect(lag).toBeGreaterThanOrEqual(4);
    expect(lag).toBeLessThan(30);
    const appliedAt = series.get(
      'techmarket_etl_cdc_last_applied_timestamp_seconds{table="orders.customers"}',
    );
    expect(Math.abs(appliedAt! - Date.now() / 1000)).toBeLessThan(30);
    // The newest finished run is a micro-batch without steps; the steps shown are the watermark run's.
    const steps = [...series.keys()].filter((k) =>
      k.startsWith('techmarket_etl_step_last_duration_seconds{'),
    );
    expect(steps).toContain(
      'techmarket_etl_step_last_duration_seconds{step="extract",target="orders.customers"}',
    );
  },
);
