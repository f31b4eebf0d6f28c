import type { ActivityInterceptorsFactory } from '@temporalio/worker';
import { Gauge, Histogram } from 'prom-client';
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

/**
 * Times every activity attempt; the activities themselves stay metric-free. Rows per table come from
 * the warehouse's records (pipeline/pipeline-metrics.ts), the same for worker and `--local` runs.
 */
export const activityMetricsInterceptor: ActivityInterceptorsFactory = (context) => ({
  inbound: {
    async execute(input, next) {
      const activity = context.info.activityType;
      const stop = activitySeconds.startTimer({ activity });
      activitiesRunning.inc({ activity });
      try {
        const result = await next(input);
        stop({ outcome: 'succeeded' });
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

/**
 * Every activity's series exist from the start, at zero: a rate needs a sample before the first
 * attempt, or an activity that ran once shows no rate at all.
 */
export function initActivityMetrics(activities: readonly string[]): void {
  for (const activity of activities) {
    activitiesRunning.set({ activity }, 0);
    for (const outcome of ['succeeded', 'failed']) activitySeconds.zero({ activity, outcome });
  }
}
