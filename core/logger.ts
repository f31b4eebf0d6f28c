import { destination, pino } from 'pino';
import { config } from './config.ts';

/**
 * JSON logs on stderr (stdout stays for command output). Connection strings and passwords are
 * redacted by path; free text is redacted by the callers through `redactText`.
 */
export const logger = pino(
  {
    level: process.env.LOG_LEVEL ?? 'info',
    base: { pid: process.pid },
    redact: { paths: ['*.password', '*.url', 'password', 'url', '*.connectionString'], censor: '***' },
  },
  destination(2),
);

export function childLogger(bindings: Record<string, unknown>) {
  return logger.child(bindings);
}

/** Applies the validated LOG_LEVEL once the configuration is loaded. */
export function applyLogLevel(): void {
  logger.level = config().LOG_LEVEL;
}
