import { z } from 'zod';
import { defineCommand, type FlagValues, valueFlag } from '../command.ts';

/** DESIGN.md section 1: ETL processes expose metrics on 7100+, the worker on 7100. */
const WORKER_METRICS_PORT = 7100;
/** The Temporal SDK serves its own worker metrics from its Rust core, on a port of its own. */
const WORKER_SDK_METRICS_PORT = 7102;

const workerFlags = {
  'task-queue': valueFlag(
    'Q',
    'task queue to poll (default TEMPORAL_TASK_QUEUE or techmarket-etl)',
    z
      .string()
      .regex(/^[\w.-]{1,200}$/, 'must be letters, digits, ".", "_" or "-"')
      .optional(),
  ),
  'metrics-port': valueFlag(
    'N',
    `Prometheus /metrics on 127.0.0.1:N (default ${WORKER_METRICS_PORT}; 0 picks a free port)`,
    z.coerce.number().int().min(0).max(65535).default(WORKER_METRICS_PORT),
  ),
  'sdk-metrics-port': valueFlag(
    'N',
    `the Temporal SDK's worker metrics on 127.0.0.1:N (default ${WORKER_SDK_METRICS_PORT}; 0 turns them off)`,
    z.coerce.number().int().min(0).max(65535).default(WORKER_SDK_METRICS_PORT),
  ),
  'max-activities': valueFlag(
    'N',
    'activities at once (default 8)',
    z.coerce.number().int().min(1).max(64).default(8),
  ),
  'commit-every-rows': valueFlag(
    'N',
    'rows per committed COPY chunk, the unit an interrupted extract resumes after (default 500000)',
    z.coerce.number().int().min(1_000).optional(),
  ),
};
export type WorkerFlags = FlagValues<typeof workerFlags>;

export const workerCommand = defineCommand({
  words: ['worker'],
  summary:
    "run the ETL worker: Temporal workflows and activities, metrics on :7100 (the SDK's on :7102); SIGINT/SIGTERM stop it gracefully",
  flags: workerFlags,
  async run(flags, out) {
    const { runWorker } = await import('../actions/worker.ts');
    return runWorker(flags, out);
  },
});
