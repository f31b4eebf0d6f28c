import { createHash } from 'node:crypto';
import { z } from 'zod';

/**
 * Task queue, workflow ids and schedule ids of the ETL, in one place. Workflow ids are deterministic
 * per run kind and date, so a second start of a run that is still going is refused by Temporal.
 * Only client-side code imports this file (node:crypto cannot enter the workflow sandbox).
 */

/** The task queue the ETL worker polls; TEMPORAL_TASK_QUEUE overrides it (tests give each file its own). */
export const DEFAULT_TASK_QUEUE = 'techmarket-etl';

export function etlTaskQueue(env: NodeJS.ProcessEnv = process.env): string {
  return z
    .string()
    .regex(/^[\w.-]{1,200}$/, 'TEMPORAL_TASK_QUEUE must be letters, digits, ".", "_" or "-"')
    .default(DEFAULT_TASK_QUEUE)
    .parse(env.TEMPORAL_TASK_QUEUE || undefined);
}

/** The Schedule that starts `dailyPipeline`; its runs get ids `etl-daily-<scheduled time>`. */
export const DAILY_SCHEDULE_ID = 'etl-daily';
/** Default schedule: 02:00 in BUSINESS_TZ, when the sources are quiet. */
export const DAILY_SCHEDULE_HOUR = 2;
export const DAILY_SCHEDULE_MINUTE = 0;
/** Runs missed while Temporal was down are still started if the server is back within this window. */
export const DAILY_SCHEDULE_CATCHUP_WINDOW = '6 hours';

/** Today's date in the business time zone, the date in daily workflow ids. */
export function businessDate(timeZone: string, at: Date = new Date()): string {
  return new Intl.DateTimeFormat('en-CA', {
    timeZone,
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
  }).format(at);
}

/** Short, order-independent tag for a table list; `all` when no list narrows the run. */
export function tablesTag(tables: readonly string[]): string {
  if (tables.length === 0) return 'all';
  return createHash('sha256')
    .update([...tables].sort().join(','))
    .digest('hex')
    .slice(0, 8);
}

/** `etl-daily-2026-11-25`, or `etl-daily-2026-11-25-<tag>` for a run narrowed to some tables. */
export function dailyWorkflowId(date: string, tables: readonly string[] = []): string {
  return tables.length === 0 ? `etl-daily-${date}` : `etl-daily-${date}-${tablesTag(tables)}`;
}

/** `etl-table-orders.orders-2026-11-25`. */
export function tableWorkflowId(table: string, date: string): string {
  return `etl-table-${table}-${date}`;
}

/** `etl-backfill-2026-10-01-2026-10-30-all`; its chunks are `<that>-chunk-<first day>`. */
export function backfillWorkflowId(from: string, to: string, tables: readonly string[] = []): string {
  return `etl-backfill-${from}-${to}-${tablesTag(tables)}`;
}
