import { childLogger } from '../../core/logger.ts';
import { redactText } from '../../core/redact.ts';
import { CHECKS } from '../checks/index.ts';
import type { DqDeps } from '../dq-deps.ts';
import { DailyTotalsCache } from '../reconciliation/daily-totals-cache.ts';
import type { DqRule, RuleType } from '../rules/rule-schema.ts';
import { nextDqRunId, storeResult } from '../store/result-store.ts';
import type { CheckContext, RuleCheck } from './check-context.ts';
import type { DqResult, DqRunSummary, DqStatus } from './dq-result.ts';
import { TableScans } from './table-scans.ts';

/** Failing rows kept per result: enough to see the pattern, small enough for every run. */
export const DQ_SAMPLE_ROWS = 20;
/** Rules checked at once: one usually waits on MySQL while another scans PostgreSQL. */
export const DQ_PARALLELISM = 2;

/**
 * What the rules check: `all` rows (ad-hoc runs, full loads), or only what the ETL run changed
 * (`run`: rows with its etl_run_id, and for reconciliation the local days it touched).
 */
export type DqScope = 'run' | 'all';

export interface QualityCheckOptions {
  /** The ETL run whose load is checked; null for an ad-hoc run. */
  etlRunId?: number | null;
  /** `all` by default; `run` needs an etlRunId (without one it is `all`). */
  scope?: DqScope;
  sampleLimit?: number;
  /** Called as each result is stored (progress, tests). */
  onResult?: (result: DqResult) => void;
  /** Source totals read ahead of the checks (`readSourceTotalsAhead`), for scope `all` only. */
  sourceTotals?: SourceTotalsAhead;
}

/** The reconciliation rules' source passes, started before the load they check has committed. */
export interface SourceTotalsAhead {
  readonly dailyTotals: DailyTotalsCache;
}

/**
 * Starts the source side of the rules' reconciliations now, for a gate of scope `all` that will run
 * after the load: a first load's MySQL aggregates (seconds at scale 10) then run while the warehouse
 * builds the fact on one core, instead of competing with the gate's own queries. Reading the sources
 * before the load commits is as good as after it: the extract has finished, and a row changed since
 * is newer than the watermark, which leaves its day unsettled either way.
 */
export function readSourceTotalsAhead(deps: DqDeps, rules: readonly DqRule[]): SourceTotalsAhead {
  const dailyTotals = new DailyTotalsCache(deps, null);
  for (const rule of rules) {
    if (rule.type === 'row_count_reconciliation' || rule.type === 'sum_reconciliation')
      dailyTotals.plan(rule);
  }
  dailyTotals.prefetchSources();
  return { dailyTotals };
}

const checkFor = (type: RuleType) => CHECKS[type] as RuleCheck<RuleType>;

/**
 * Checks the given rules and stores every result, whatever it is; never throws for a rule that fails
 * or cannot run (that is a result too). The gate decides what a failure means for the pipeline.
 */
export async function runQualityChecks(
  deps: DqDeps,
  rules: readonly DqRule[],
  options: QualityCheckOptions = {},
): Promise<DqRunSummary> {
  const started = performance.now();
  const etlRunId = options.etlRunId ?? null;
  const dqRunId = await nextDqRunId(deps.warehouse);
  const scopeRunId = options.scope === 'run' ? etlRunId : null;
  const log = childLogger({ dqRunId, etlRunId, scope: scopeRunId === null ? 'all' : 'run' });
  const context: CheckContext = {
    deps,
    scopeRunId,
    scans: new TableScans(deps.warehouse, scopeRunId),
    dailyTotals:
      scopeRunId === null && options.sourceTotals
        ? options.sourceTotals.dailyTotals
        : new DailyTotalsCache(deps, scopeRunId),
    sampleLimit: options.sampleLimit ?? DQ_SAMPLE_ROWS,
  };
  for (const rule of rules) checkFor(rule.type).plan?.(rule as never, context);
  context.dailyTotals.prefetchSources();

  const results: DqResult[] = new Array(rules.length);
  const pending = rules.map((_, index) => index);
  // A rule whose table's shared scan another worker is running would only wait for it: a worker takes
  // a rule it can work on first, so a long scan of the fact does not leave the other connection idle.
  const takeNext = (): number => {
    const ready = pending.findIndex(
      (i) => !context.scans.waitsOnRunningScan(rules[i]!.target, rules[i]!.name),
    );
    return pending.splice(ready === -1 ? 0 : ready, 1)[0]!;
  };
  const worker = async () => {
    while (pending.length > 0) {
      const index = takeNext();
      const result = await checkRule(rules[index]!, context);
      await storeResult(deps.warehouse, dqRunId, etlRunId, result);
      if (result.status !== 'pass')
        log.warn({ rule: result.ruleName, status: result.status }, result.message);
      options.onResult?.(result);
      results[index] = result;
    }
  };
  await Promise.all(Array.from({ length: Math.min(DQ_PARALLELISM, rules.length) }, worker));

  const counts: Record<DqStatus, number> = { pass: 0, warn: 0, fail: 0, error: 0 };
  for (const r of results) counts[r.status]++;
  return {
    dqRunId,
    etlRunId,
    results,
    counts,
    blockingRules: results
      .filter((r) => r.severity === 'error' && (r.status === 'fail' || r.status === 'error'))
      .map((r) => r.ruleName),
    seconds: (performance.now() - started) / 1000,
  };
}

async function checkRule(rule: DqRule, context: CheckContext): Promise<DqResult> {
  const started = performance.now();
  const base = {
    ruleName: rule.name,
    ruleType: rule.type,
    ruleFile: rule.file,
    severity: rule.severity,
    target: rule.target,
  };
  try {
    const outcome = await checkFor(rule.type).run(rule as never, context);
    return {
      ...base,
      status: outcome.passed ? 'pass' : rule.severity === 'warn' ? 'warn' : 'fail',
      observedValue: outcome.observed,
      threshold: outcome.threshold,
      failingCount: outcome.failingCount,
      totalCount: outcome.totalCount,
      durationMs: performance.now() - started,
      message: outcome.message,
      details: outcome.details ?? {},
      sampleRows: outcome.samples,
    };
  } catch (error) {
    // A check that cannot run is a result of its own: an error rule that cannot run blocks the gate.
    return {
      ...base,
      status: 'error',
      observedValue: null,
      threshold: null,
      failingCount: null,
      totalCount: null,
      durationMs: performance.now() - started,
      message: `the check could not run: ${redactText((error as Error).message)}`,
      details: {},
      sampleRows: [],
    };
  }
}
