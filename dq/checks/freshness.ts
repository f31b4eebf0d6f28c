import { z } from 'zod';
import type { SourceDatabase } from '../../core/config.ts';
import { common, duration, identifier, sourceTableName } from '../rules/rule-fields.ts';
import type { RuleCheck } from '../run/check-context.ts';
import { querySource, queryWarehouse, quoteName } from '../run/read-only-queries.ts';

/** The rule as its .dq.yml declares it. */
export const freshnessSchema = z.strictObject({
  type: z.literal('freshness'),
  /** The source table whose newest loaded row is measured, e.g. orders.orders. */
  source: sourceTableName,
  column: identifier.default('updated_at'),
  /** Fails when the newest loaded row is older than this. */
  max_age: duration,
  ...common,
});

/** 129600 → "36h", 5400 → "90m" */
export function formatSeconds(seconds: number): string {
  for (const [unit, size] of [
    ['d', 86_400],
    ['h', 3_600],
    ['m', 60],
  ] as const) {
    if (seconds >= size && seconds % size === 0) return `${seconds / size}${unit}`;
  }
  return seconds >= 3_600 ? `${(seconds / 3_600).toFixed(1)}h` : `${Math.round(seconds)}s`;
}

const utcMillis = (timestamp: string) => Date.parse(`${timestamp.replace(' ', 'T')}Z`);

/**
 * How old the newest loaded source row is. The watermark is that row's updated_at for incremental
 * loads and costs one lookup; a warehouse only ever backfilled has none, and then the staging
 * mirror's newest row is used. The source's own newest row (an index lookup) tells a stale source
 * (both old) from a stalled pipeline (the source newer than the warehouse).
 */
export const freshnessCheck: RuleCheck<'freshness'> = {
  async run(rule, context) {
    const [database, table] = rule.source.split('.') as [SourceDatabase, string];
    const mirror = quoteName(`stg.${database}__${table}`);
    // A table the warehouse has never loaded has no mirror: it cannot even be named in the query.
    const [mirrorState] = await queryWarehouse<{ present: boolean }>(
      context.deps.warehouse,
      'select to_regclass($1) is not null as present',
      [`stg.${database}__${table}`],
    );
    const mirrorNewest = mirrorState!.present
      ? `(select max(${quoteName(rule.column)}) from ${mirror} where _deleted_at is null)`
      : 'null::timestamptz';
    const [loaded] = await queryWarehouse<{
      watermark: string | null;
      newest: string | null;
      age_seconds: number | null;
    }>(
      context.deps.warehouse,
      `with watermark as (select cursor_updated_at as at from etl.watermarks where source_table = $1),
       newest as (select coalesce((select at from watermark), ${mirrorNewest}) as at)
       select to_char((select at from watermark) at time zone 'UTC', 'YYYY-MM-DD HH24:MI:SS.US') as watermark,
              to_char(at at time zone 'UTC', 'YYYY-MM-DD HH24:MI:SS.US') as newest,
              extract(epoch from now() - at)::float8 as age_seconds
       from newest`,
      [rule.source],
    );
    const details: Record<string, unknown> = { watermark: loaded!.watermark, newest_loaded: loaded!.newest };
    try {
      const [row] = await querySource<{ newest: string | null }>(
        context.deps.source(database),
        `SELECT MAX(\`${rule.column}\`) AS newest FROM \`${table}\``,
      );
      details.source_newest = row?.newest ?? null;
      if (row?.newest && loaded!.newest) {
        details.warehouse_behind_source_seconds = Math.max(
          0,
          (utcMillis(row.newest) - utcMillis(loaded!.newest)) / 1000,
        );
      }
    } catch (error) {
      // The source's newest row only explains the result; the measure is what the warehouse holds.
      details.source_error = (error as Error).message;
    }
    const threshold = `max_age ${formatSeconds(rule.max_age)}`;
    const age = loaded!.age_seconds;
    const passed = age !== null && age <= rule.max_age;
    const message =
      age === null
        ? `nothing of ${rule.source} is loaded`
        : `newest ${rule.source}.${rule.column} loaded is ${formatSeconds(Math.round(age))} old`;
    return {
      passed,
      threshold,
      observed: age === null ? null : Math.round(age),
      failingCount: passed ? 0 : 1,
      totalCount: 1,
      message,
      samples: passed
        ? []
        : [{ source_table: rule.source, ...details, age_seconds: age, max_age_seconds: rule.max_age }],
      details,
    };
  },
};
