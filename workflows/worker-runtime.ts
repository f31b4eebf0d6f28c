import type { LogLevel, LogMetadata } from '@temporalio/common';
import { type Logger, Runtime } from '@temporalio/worker';
import type { Logger as PinoLogger } from 'pino';

/** The SDK's levels mapped onto pino's (pino has no upper-case names). */
const PINO_LEVEL: Record<LogLevel, 'trace' | 'debug' | 'info' | 'warn' | 'error'> = {
  TRACE: 'trace',
  DEBUG: 'debug',
  INFO: 'info',
  WARN: 'warn',
  ERROR: 'error',
};

/** The Temporal SDK's logger interface over the platform's JSON logger. */
function sdkLogger(pino: PinoLogger): Logger {
  const log = (level: LogLevel, message: string, meta?: LogMetadata) =>
    pino[PINO_LEVEL[level]]({ ...meta, component: 'temporal' }, message);
  return {
    log,
    trace: (m, meta) => log('TRACE', m, meta),
    debug: (m, meta) => log('DEBUG', m, meta),
    info: (m, meta) => log('INFO', m, meta),
    warn: (m, meta) => log('WARN', m, meta),
    error: (m, meta) => log('ERROR', m, meta),
  };
}

let installed = false;

export interface WorkerRuntimeOptions {
  /**
   * host:port where the SDK's own metrics (task slots, poll and schedule-to-start latencies, sticky
   * cache) are served for Prometheus, from its Rust core; none when absent.
   */
  sdkMetricsAddress?: string;
}

/**
 * Routes the SDK's logs (worker state, workflow and activity logs) into the platform's JSON logs and
 * serves its metrics by Prometheus's conventions (seconds, `_total`, unit suffixes, `temporal_` prefix).
 * The SDK allows this once per process and only before the first worker, hence the guard.
 */
export function installWorkerRuntime(pino: PinoLogger, options: WorkerRuntimeOptions = {}): void {
  if (installed) return;
  installed = true;
  Runtime.install({
    logger: sdkLogger(pino),
    ...(options.sdkMetricsAddress && {
      telemetryOptions: {
        metrics: {
          metricPrefix: 'temporal_',
          prometheus: {
            bindAddress: options.sdkMetricsAddress,
            countersTotalSuffix: true,
            unitSuffix: true,
            useSecondsForDurations: true,
          },
        },
      },
    }),
  });
}
