import type { ActivityInterceptorsFactory } from '@temporalio/worker';
import { Counter, Gauge, Histogram } from 'prom-client';
import { metricsRegistry } from '../core/metrics.ts';

/** The ETL worker's own metrics, beside the process metrics of core/metrics.ts. */
const activitySeconds = new Histogram({
  name: 'techmarket_etl_activity_seconds',
  help: 'Duration of ETL activity attempts, by activity and outcome (succeeded, failed)',
  labelNames: ['activity', 'outcome'] as const,
  buckets: [0.05, 0.25, 1, 5, 15, 60, 300, 900, 3600],
  registers: [metricsRegistry],
});
const activitiesRunning = new Gauge({
  name: 'techmarket_etl_activities_running',
  help: 'ETL activity attempts running now on this worker',
  labelNames: ['activity'] as const,
  registers: [metricsRegistry],
});
const rowsExtracted = new Counter({
  name: 'techmarket_etl_rows_extracted_total',
  help: 'Rows in the batch tables of finished extract activities, by source table',
  labelNames: ['table'] as const,
  registers: [metricsRegistry],
});

/** Times every activity attempt and counts extracted rows; the activities themselves stay metric-free. */
export const activityMetricsInterceptor: ActivityInterceptorsFactory = (context) => ({
  inbound: {
    async execute(input, next) {
      const activity = context.info.activityType;
      const stop = activitySeconds.startTimer({ activity });
      activitiesRunning.inc({ activity });
      try {
        const result = await next(input);
        stop({ outcome: 'succeeded' });
        const extracted = result as { table?: unknown; rows?: unknown } | undefined;
        if (activity === 'extractSourceTable' && typeof extracted?.rows === 'number') {
          rowsExtracted.inc({ table: String(extracted.table) }, extracted.rows);
        }
        return result;
      } catch (error) {
        stop({ outcome: 'failed' });
        throw error;
      } finally {
        activitiesRunning.dec({ activity });
      }
    },
  },
});
