import { Counter, Histogram } from 'prom-client';
import { metricsRegistry } from '../../core/metrics.ts';

/** The CDC consumer's Prometheus metrics (served on 127.0.0.1:7101 by `techmarket cdc start`). */
export const cdcMetrics = {
  events: new Counter({
    name: 'techmarket_cdc_events_applied_total',
    help: 'Change events applied to the warehouse, per source table',
    labelNames: ['table'],
    registers: [metricsRegistry],
  }),
  deadLetters: new Counter({
    name: 'techmarket_cdc_dead_letters_total',
    help: 'Undecodable messages sent to the dead-letter topic',
    registers: [metricsRegistry],
  }),
  batches: new Counter({
    name: 'techmarket_cdc_batches_total',
    help: "Loads committed to the warehouse (a micro-batch each, or a catch-up's many)",
    registers: [metricsRegistry],
  }),
  applyErrors: new Counter({
    name: 'techmarket_cdc_apply_errors_total',
    help: 'Micro-batches that failed to apply (each is retried)',
    registers: [metricsRegistry],
  }),
  batchSeconds: new Histogram({
    name: 'techmarket_cdc_batch_seconds',
    help: 'Time to apply one load: a micro-batch, or the many a catch-up holds for one transform (decode, COPY, transform, commit)',
    buckets: [0.05, 0.1, 0.25, 0.5, 1, 2, 5, 10, 30],
    registers: [metricsRegistry],
  }),
  lagSeconds: new Histogram({
    name: 'techmarket_cdc_lag_seconds',
    help: "Source commit (the row's updated_at) to warehouse commit, per applied row",
    buckets: [0.1, 0.25, 0.5, 1, 2, 5, 10, 30, 60, 300],
    registers: [metricsRegistry],
  }),
};
