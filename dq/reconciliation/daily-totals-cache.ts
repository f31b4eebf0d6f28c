import type { DqDeps } from '../dq-deps.ts';
import type { DqRuleOf } from '../rules/rule-schema.ts';
import { queryWarehouse, quoteName } from '../run/read-only-queries.ts';
import { hasRunColumn } from '../run/table-scans.ts';
import type { DailyTotals } from './daily-totals.ts';
import { sourceDailyTotals } from './source-daily-totals.ts';
import { warehouseDailyTotals } from './warehouse-daily-totals.ts';

export type ReconciliationRule = DqRuleOf<'row_count_reconciliation'> | DqRuleOf<'sum_reconciliation'>;

interface Group {
  measures: string[];
  totals?: Promise<DailyTotals>;
  /** Starts the source pass early (see `prefetchSources`). */
  prefetch?: () => void;
}

/** The rule's totals: its measure (when it has one) is `sums[measureIndex]`. */
export interface RuleTotals {
  totals: DailyTotals;
  measureIndex: number;
}

const measureOf = (side: object) => ('measure' in side ? String(side.measure) : undefined);

/**
 * Rules reconciling the same source rows and the same warehouse rows share one aggregate pass on each
 * side: the row count and the amount of fact_sales against orders read MySQL and PostgreSQL once.
 */
export class DailyTotalsCache {
  private readonly groups = new Map<string, Group>();
  private readonly touched = new Map<string, Promise<number[] | undefined>>();

  /** `scopeRunId`: compare only the local days that ETL run touched; null compares every day. */
  constructor(
    private readonly deps: DqDeps,
    private readonly scopeRunId: number | null = null,
  ) {}

  /**
   * The local days (date keys) of the target's rows the scoped run wrote, inserted, updated or
   * soft-deleted; undefined when every day is compared (scope `all`, or no etl_run_id on the target).
   */
  touchedDays(rule: ReconciliationRule): Promise<number[] | undefined> {
    const runId = this.scopeRunId;
    if (runId === null) return Promise.resolve(undefined);
    const key = JSON.stringify([rule.target, rule.warehouse.date_key]);
    let days = this.touched.get(key);
    if (!days) {
      days = (async () => {
        if (!(await hasRunColumn(this.deps.warehouse, rule.target))) return undefined;
        const rows = await queryWarehouse<{ day_key: number }>(
          this.deps.warehouse,
          `select distinct ${quoteName(rule.warehouse.date_key)}::int as day_key
           from ${quoteName(rule.target)} where etl_run_id = $1`,
          [runId],
        );
        return rows.map((r) => Number(r.day_key)).sort((a, b) => a - b);
      })();
      this.touched.set(key, days);
    }
    return days;
  }

  plan(rule: ReconciliationRule): void {
    for (const [key, measure] of [
      [this.sourceKey(rule), measureOf(rule.source)],
      [this.warehouseKey(rule), measureOf(rule.warehouse)],
    ] as const) {
      const group = this.groups.get(key) ?? { measures: [] };
      if (measure !== undefined && !group.measures.includes(measure)) group.measures.push(measure);
      this.groups.set(key, group);
    }
    const sourceGroup = this.groups.get(this.sourceKey(rule))!;
    sourceGroup.prefetch ??= () => {
      this.source(rule).catch(() => {
        // The rule that awaits it reports the failure as its result.
      });
    };
  }

  /**
   * Starts every planned source pass now: MySQL aggregates in its own process while the warehouse
   * checks run, instead of a checker waiting on it.
   */
  prefetchSources(): void {
    for (const group of this.groups.values()) group.prefetch?.();
  }

  source(rule: ReconciliationRule): Promise<RuleTotals> {
    const { database, from, timestamp, where, watermarks } = rule.source;
    return this.totals(this.sourceKey(rule), measureOf(rule.source), async (measures) =>
      sourceDailyTotals(
        this.deps.source(database),
        {
          from,
          timestamp,
          changedAt: Object.values(watermarks),
          where,
          measures,
          days: await this.touchedDays(rule),
        },
        this.deps.config.BUSINESS_TZ,
      ),
    );
  }

  warehouse(rule: ReconciliationRule): Promise<RuleTotals> {
    return this.totals(this.warehouseKey(rule), measureOf(rule.warehouse), async (measures) =>
      warehouseDailyTotals(this.deps.warehouse, {
        from: rule.warehouse.from ?? quoteName(rule.target),
        where: rule.warehouse.where,
        dateKey: rule.warehouse.date_key,
        measures,
        days: await this.touchedDays(rule),
      }),
    );
  }

  private async totals(
    key: string,
    measure: string | undefined,
    load: (measures: readonly string[]) => Promise<DailyTotals>,
  ): Promise<RuleTotals> {
    let group = this.groups.get(key);
    if (!group || (measure !== undefined && !group.measures.includes(measure))) {
      // Not planned (a rule run on its own): a pass of its own.
      group = { measures: measure === undefined ? [] : [measure] };
    }
    group.totals ??= load(group.measures);
    return {
      totals: await group.totals,
      measureIndex: measure === undefined ? -1 : group.measures.indexOf(measure),
    };
  }

  private sourceKey(rule: ReconciliationRule): string {
    const { database, from, timestamp, where, watermarks } = rule.source;
    // Scoped, the pass also depends on the target whose touched days it reads.
    const scopedTo = this.scopeRunId === null ? null : [rule.target, rule.warehouse.date_key];
    return JSON.stringify(['source', database, from, timestamp, where, watermarks, scopedTo]);
  }

  private warehouseKey(rule: ReconciliationRule): string {
    const { from, where, date_key } = rule.warehouse;
    const scopedTo = this.scopeRunId === null ? null : rule.target;
    return JSON.stringify(['warehouse', from ?? rule.target, where, date_key, scopedTo]);
  }
}
