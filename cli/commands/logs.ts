import { z } from 'zod';
import { defineCommand } from '../command.ts';

/** pino's numeric levels: a line at or above the asked level is shown. */
export const LOG_LEVEL_NUMBERS = { trace: 10, debug: 20, info: 30, warn: 40, error: 50, fatal: 60 } as const;

const logsSchema = z
  .object({
    run: z.coerce
      .number()
      .int('must be a whole number')
      .positive('must be a run id (etl status lists them)')
      .optional(),
    request: z
      .string()
      .regex(/^[\w.:-]{1,200}$/, 'must be a request id (letters, digits, ".", ":", "_" or "-")')
      .optional(),
    since: z
      .string()
      .regex(/^\d{1,6}[smhd]$/, 'must be a duration such as 90s, 10m, 2h or 1d')
      .optional(),
    level: z.enum(['trace', 'debug', 'info', 'warn', 'error', 'fatal']).optional(),
    limit: z.coerce.number().int().min(1).max(10_000).default(1000),
  })
  .refine((f) => f.run !== undefined || f.request !== undefined || f.since !== undefined, {
    message: 'is needed: give --run ID, --request ID or --since 10m',
    path: ['run'],
  })
  .refine((f) => f.run === undefined || f.request === undefined, {
    message: 'give either --run or --request, not both',
    path: ['run'],
  });
export type LogsFlags = z.infer<typeof logsSchema>;

export const logsCommand = defineCommand({
  words: ['logs'],
  summary: 'search the platform’s logs in the log store: one run’s, one request’s, or the last minutes’',
  flags: {
    run: { type: 'string' },
    request: { type: 'string' },
    since: { type: 'string' },
    level: { type: 'string' },
    limit: { type: 'string' },
  },
  flagHelp: [
    '--run ID        every line of pipeline run ID (etl status lists them), from the CLI, worker and activities',
    '--request ID    every line of one HTTP request, across services',
    '--since 10m     lines of the last 90s, 10m, 2h or 1d (alone, or narrowing --run / --request)',
    '--level warn    only lines at this level or above (trace, debug, info, warn, error, fatal)',
    '--limit N       at most N lines, oldest first (default 1000)',
  ],
  schema: logsSchema,
  async run(flags, out) {
    const { showLogs } = await import('../actions/logs.ts');
    return showLogs(flags, out);
  },
});
