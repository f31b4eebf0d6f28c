import { z } from 'zod';
import { defineCommand } from '../command.ts';

/** DESIGN.md section 1: ETL processes expose metrics on 7100+, the worker on 7100. */
const WORKER_METRICS_PORT = 7100;
/** The Temporal SDK serves its own worker metrics from its Rust core, on a port of its own. */
const WORKER_SDK_METRICS_PORT = 7102;

const workerSchema = z.object({
  'task-queue': z
    .string()
    .regex(/^[\w.-]{1,200}$/, 'must be letters, digits, ".", "_" or "-"')
    .optional(),
  'metrics-port': z.coerce.number().int().min(0).max(65535).default(WORKER_METRICS_PORT),
  'sdk-metrics-port': z.coerce.number().int().min(0).max(65535).default(WORKER_SDK_METRICS_PORT),
  'max-activities': z.coerce.number().int().min(1).max(64).default(8),
  'commit-every-rows': z.coerce.number().int().min(1_000).optional(),
});
export type WorkerFlags = z.infer<typeof workerSchema>;

export const workerCommand = defineCommand({
  words: ['worker'],
  summary:
    "run the ETL worker: Temporal workflows and activities, metrics on :7100 (the SDK's on :7102); SIGINT/SIGTERM stop it gracefully",
  flags: {
    'task-queue': { type: 'string' },
    'metrics-port': { type: 'string' },
    'sdk-metrics-port': { type: 'string' },
    'max-activities': { type: 'string' },
    'commit-every-rows': { type: 'string' },
  },
  flagHelp: [
    '--task-queue Q      task queue to poll (default TEMPORAL_TASK_QUEUE or techmarket-etl)',
    `--metrics-port N    Prometheus /metrics on 127.0.0.1:N (default ${WORKER_METRICS_PORT}; 0 picks a free port)`,
    `--sdk-metrics-port N  the Temporal SDK's worker metrics on 127.0.0.1:N (default ${WORKER_SDK_METRICS_PORT}; 0 turns them off)`,
    '--max-activities N  activities at once (default 8)',
    '--commit-every-rows N  rows per committed COPY chunk, the unit an interrupted extract resumes after (default 500000)',
  ],
  schema: workerSchema,
  async run(flags, out) {
    const { runWorker } = await import('../actions/worker.ts');
    return runWorker(flags, out);
  },
});
