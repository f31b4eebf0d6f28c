import type { DqDeps } from '../dq-deps.ts';
import type { DailyTotalsCache } from '../reconciliation/daily-totals-cache.ts';
import type { DqRuleOf, RuleType } from '../rules/rule-schema.ts';
import type { CheckOutcome } from './dq-result.ts';
import type { TableScans } from './table-scans.ts';

/** Shared by the checks of one DQ run: the connections and the scans several rules reuse. */
export interface CheckContext {
  deps: DqDeps;
  /** The ETL run whose changes alone are checked (scope `run`); null checks everything. */
  scopeRunId: number | null;
  scans: TableScans;
  dailyTotals: DailyTotalsCache;
  /** Failing rows kept per result. */
  sampleLimit: number;
}

/** How one rule type is checked. */
export interface RuleCheck<T extends RuleType> {
  /** Announces work other rules can share (a table scan) before any check runs. */
  plan?(rule: DqRuleOf<T>, context: CheckContext): void;
  run(rule: DqRuleOf<T>, context: CheckContext): Promise<CheckOutcome>;
}
