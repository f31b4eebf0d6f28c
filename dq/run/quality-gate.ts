import type { DqDeps } from '../dq-deps.ts';
import { DqGateError } from '../dq-errors.ts';
import { loadRuleFiles } from '../rules/load-rule-files.ts';
import { selectRules } from '../rules/select-rules.ts';
import type { DqRunSummary } from './dq-result.ts';
import {
  type DqScope,
  readSourceTotalsAhead,
  runQualityChecks,
  type SourceTotalsAhead,
} from './run-quality-checks.ts';

/** Failing rules described in full in the error; the rest are counted. */
const RULES_NAMED_IN_FULL = 3;

/**
 * Runs the declared rules (all, or the named ones) after a load and stores every result. Scope `run`
 * (after an incremental load) checks only the rows the run wrote and the days it touched; `all`, the
 * default, checks everything. Throws
 * DqGateError, never retryable, when a rule of severity `error` failed or could not run; `warn`
 * failures are only recorded. Called by the in-process pipeline and by the Temporal activity.
 */
export async function runQualityGate(
  deps: DqDeps,
  etlRunId: number | null,
  options: { rules?: string[]; scope?: DqScope; sourceTotals?: SourceTotalsAhead } = {},
): Promise<DqRunSummary> {
  const rules = selectRules(loadRuleFiles(), options.rules);
  const summary = await runQualityChecks(deps, rules, {
    etlRunId,
    scope: options.scope ?? 'all',
    sourceTotals: options.sourceTotals,
  });
  if (summary.blockingRules.length > 0) {
    throw new DqGateError(summary, summary.blockingRules, gateMessage(summary));
  }
  return summary;
}

/** `readSourceTotalsAhead` for the gate's rules (all, or the named ones). */
export function readGateSourceTotalsAhead(
  deps: DqDeps,
  options: { rules?: string[] } = {},
): SourceTotalsAhead {
  return readSourceTotalsAhead(deps, selectRules(loadRuleFiles(), options.rules));
}

function gateMessage(summary: DqRunSummary): string {
  const blocking = summary.results.filter((r) => summary.blockingRules.includes(r.ruleName));
  const described = blocking
    .slice(0, RULES_NAMED_IN_FULL)
    .map((r) => `${r.ruleName} ${r.status === 'error' ? 'could not run' : 'failed'}: ${r.message}`);
  const more = blocking.length - described.length;
  return `data-quality gate (dq run ${summary.dqRunId}): ${described.join('; ')}${
    more > 0
      ? `; and ${more} more: ${blocking
          .slice(RULES_NAMED_IN_FULL)
          .map((r) => r.ruleName)
          .join(', ')}`
      : ''
  }`;
}
