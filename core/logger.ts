import { destination, pino } from 'pino';

const LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'];

/**
 * The logger exists before the configuration is validated: a bad LOG_LEVEL must not crash the import
 * (config() rejects it a moment later with a message naming it), so it falls back to info here.
 */
function startupLevel(level: string | undefined): string {
  return level !== undefined && LEVELS.includes(level) ? level : 'info';
}

/**
 * JSON logs on stderr (stdout stays for command output). Connection strings and passwords are
 * redacted by path; free text is redacted by the callers through `redactText`.
 */
export const logger = pino(
  {
    level: startupLevel(process.env.LOG_LEVEL),
    base: { pid: process.pid },
    redact: { paths: ['*.password', '*.url', 'password', 'url', '*.connectionString'], censor: '***' },
  },
  destination(2),
);

export function childLogger(bindings: Record<string, unknown>) {
  return logger.child(bindings);
}
