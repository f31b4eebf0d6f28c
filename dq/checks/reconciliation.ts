import { z } from 'zod';
import type { DayTotals } from '../reconciliation/daily-totals.ts';
import type { ReconciliationRule, RuleTotals } from '../reconciliation/daily-totals-cache.ts';
import { addDecimal, compareAbsolute, subtractDecimal } from '../reconciliation/exact-decimal.ts';
import { formatDayKey } from '../reconciliation/local-day.ts';
import { reconciliationCommon, sourceSide, sqlFragment, warehouseSide } from '../rules/rule-fields.ts';
import type { CheckContext, RuleCheck } from '../run/check-context.ts';
import { queryWarehouse } from '../run/read-only-queries.ts';
import { judgeCount } from '../run/thresholds.ts';

/** The rule as its .dq.yml declares it. */
export const rowCountReconciliationSchema = z.strictObject({
  type: z.literal('row_count_reconciliation'),
  source: sourceSide,
  warehouse: warehouseSide,
  ...reconciliationCommon,
});
export const sumReconciliationSchema = z.strictObject({
  type: z.literal('sum_reconciliation'),
  source: sourceSide.extend({ measure: sqlFragment }),
  warehouse: warehouseSide.extend({ measure: sqlFragment }),
  /** Largest absolute difference per day still counted as equal (default 0: exact). */
  tolerance: z.union([z.number().min(0), z.string().regex(/^\d+(\.\d+)?$/)]).default(0),
  ...reconciliationCommon,
});

/**
 * Per watermark: rows changed after this instant may not be in the warehouse yet (changed after the
 * load, or committed late within the lookback), so their days are left to a later run. A table never
 * loaded incrementally has no watermark: whatever a backfill put in the warehouse is meant complete.
 */
async function settleCutoffs(rule: ReconciliationRule, context: CheckContext): Promise<(string | null)[]> {
  const tables = Object.keys(rule.source.watermarks);
  if (tables.length === 0) return [];
  const rows = await queryWarehouse<{ source_table: string; cutoff: string }>(
    context.deps.warehouse,
    `select source_table,
            to_char(cursor_updated_at at time zone 'UTC' - make_interval(secs => $2), 'YYYY-MM-DD HH24:MI:SS.US') as cutoff
     from etl.watermarks where source_table = any($1)`,
    [tables, rule.settle_seconds],
  );
  const byTable = new Map(rows.map((r) => [r.source_table, r.cutoff]));
  return tables.map((table) => byTable.get(table) ?? null);
}

const changedSinceLoad = (day: DayTotals | undefined, cutoffs: readonly (string | null)[]) =>
  cutoffs.some((cutoff, i) => {
    const changed = day?.changedAt[i];
    return cutoff !== null && changed !== null && changed !== undefined && changed > cutoff;
  });

interface DayValue {
  of(totals: DayTotals | undefined, side: RuleTotals): string;
  tolerance: string;
  what: string;
}

async function reconcile(rule: ReconciliationRule, context: CheckContext, value: DayValue) {
  const [source, warehouse, cutoffs, touchedDays] = await Promise.all([
    context.dailyTotals.source(rule),
    context.dailyTotals.warehouse(rule),
    settleCutoffs(rule, context),
    context.dailyTotals.touchedDays(rule),
  ]);
  const days = [...new Set([...source.totals.keys(), ...warehouse.totals.keys()])].sort((a, b) => b - a);
  const differing: Record<string, unknown>[] = [];
  const unsettled: string[] = [];
  let compared = 0;
  let sourceTotal = '0';
  let warehouseTotal = '0';
  for (const day of days) {
    const sourceDay = source.totals.get(day);
    if (changedSinceLoad(sourceDay, cutoffs)) {
      unsettled.push(formatDayKey(day));
      continue;
    }
    compared++;
    const inSource = value.of(sourceDay, source);
    const inWarehouse = value.of(warehouse.totals.get(day), warehouse);
    sourceTotal = addDecimal(sourceTotal, inSource);
    warehouseTotal = addDecimal(warehouseTotal, inWarehouse);
    const difference = subtractDecimal(inWarehouse, inSource);
    if (compareAbsolute(difference, value.tolerance) > 0) {
      differing.push({ day: formatDayKey(day), source: inSource, warehouse: inWarehouse, difference });
    }
  }
  const verdict = judgeCount(rule, differing.length, compared);
  return {
    ...verdict,
    threshold:
      value.tolerance === '0' ? verdict.threshold : `${verdict.threshold}, tolerance ${value.tolerance}`,
    observed: differing.length,
    failingCount: differing.length,
    totalCount: compared,
    message:
      `${differing.length} of ${compared} ${touchedDays ? 'local days touched by the run' : 'local days'} differ in ${value.what}` +
      (unsettled.length > 0
        ? ` (${unsettled.length} days changed since the load are left for the next run)`
        : ''),
    samples: differing.slice(0, context.sampleLimit),
    details: {
      business_tz: context.deps.config.BUSINESS_TZ,
      scope: touchedDays ? 'run' : 'all',
      ...(touchedDays ? { days_touched_by_run: touchedDays.length } : {}),
      days_compared: compared,
      days_unsettled: unsettled.length,
      unsettled_days: unsettled.slice(0, 10),
      settle_cutoffs_utc: Object.fromEntries(
        Object.keys(rule.source.watermarks).map((t, i) => [t, cutoffs[i]]),
      ),
      source_total: sourceTotal,
      warehouse_total: warehouseTotal,
    },
  };
}

export const rowCountReconciliationCheck: RuleCheck<'row_count_reconciliation'> = {
  plan(rule, context) {
    context.dailyTotals.plan(rule);
  },
  run(rule, context) {
    return reconcile(rule, context, {
      of: (day) => String(day?.rows ?? 0),
      tolerance: '0',
      what: `rows of ${rule.target} against ${rule.source.database}`,
    });
  },
};

export const sumReconciliationCheck: RuleCheck<'sum_reconciliation'> = {
  plan(rule, context) {
    context.dailyTotals.plan(rule);
  },
  run(rule, context) {
    return reconcile(rule, context, {
      of: (day, side) => day?.sums[side.measureIndex] ?? '0',
      tolerance: String(rule.tolerance),
      what: `sum(${rule.warehouse.measure}) of ${rule.target} against sum(${rule.source.measure}) in ${rule.source.database}`,
    });
  },
};
