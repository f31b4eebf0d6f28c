import { z } from 'zod';
import { defineCommand, type FlagValues, valueFlag } from '../command.ts';

/** pino's numeric levels: a line at or above the asked level is shown. */
export const LOG_LEVEL_NUMBERS = { trace: 10, debug: 20, info: 30, warn: 40, error: 50, fatal: 60 } as const;

const logsFlags = {
  run: valueFlag(
    'ID',
    'every line of pipeline run ID (etl status lists them), from the CLI, worker and activities',
    z.coerce
      .number()
      .int('must be a whole number')
      .positive('must be a run id (etl status lists them)')
      .optional(),
  ),
  request: valueFlag(
    'ID',
    'every line of one HTTP request, across services',
    z
      .string()
      .regex(/^[\w.:-]{1,200}$/, 'must be a request id (letters, digits, ".", ":", "_" or "-")')
      .optional(),
  ),
  since: valueFlag(
    '10m',
    'lines of the last 90s, 10m, 2h or 1d (alone, or narrowing --run / --request)',
    z
      .string()
      .regex(/^\d{1,6}[smhd]$/, 'must be a duration such as 90s, 10m, 2h or 1d')
      .optional(),
  ),
  level: valueFlag(
    'L',
    'only lines at this level or above (trace, debug, info, warn, error, fatal)',
    z.enum(['trace', 'debug', 'info', 'warn', 'error', 'fatal']).optional(),
  ),
  limit: valueFlag(
    'N',
    'at most N lines, oldest first (default 1000)',
    z.coerce.number().int().min(1).max(10_000).default(1000),
  ),
};
export type LogsFlags = FlagValues<typeof logsFlags>;

export const logsCommand = defineCommand({
  words: ['logs'],
  summary: 'search the platform’s logs in the log store: one run’s, one request’s, or the last minutes’',
  flags: logsFlags,
  checks: [
    {
      holds: (f) => f.run !== undefined || f.request !== undefined || f.since !== undefined,
      flag: 'run',
      message: 'is needed: give --run ID, --request ID or --since 10m',
    },
    {
      holds: (f) => f.run === undefined || f.request === undefined,
      flag: 'run',
      message: 'give either --run or --request, not both',
    },
  ],
  async run(flags, out) {
    const { showLogs } = await import('../actions/logs.ts');
    return showLogs(flags, out);
  },
});
