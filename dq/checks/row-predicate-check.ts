import type { DqRuleOf, RuleType } from '../rules/rule-schema.ts';
import type { RuleCheck } from '../run/check-context.ts';
import type { RowPredicate } from '../run/table-scans.ts';
import { describeCount, judgeCount } from '../run/thresholds.ts';

type RowRuleType = 'not_null' | 'accepted_values' | 'expression_is_true';

/**
 * A rule that fails row by row: counted in its table's shared scan, and only when rows fail, a
 * second small query fetches a sample of them.
 */
export function rowPredicateCheck<T extends RowRuleType & RuleType>(
  toPredicate: (rule: DqRuleOf<T>) => RowPredicate,
  failingWhat: (rule: DqRuleOf<T>) => string,
): RuleCheck<T> {
  return {
    plan(rule, context) {
      context.scans.plan(targetOf(rule), toPredicate(rule));
    },
    async run(rule, context) {
      const target = targetOf(rule);
      const predicate = toPredicate(rule);
      const counts = await context.scans.counts(target, predicate);
      const verdict = judgeCount(rule, counts.failing, counts.total);
      const samples =
        counts.failing > 0
          ? await context.scans.sample(target, predicate, predicate.failing, context.sampleLimit)
          : [];
      return {
        ...verdict,
        observed: counts.failing,
        failingCount: counts.failing,
        totalCount: counts.total,
        message: `${describeCount(counts.failing, counts.total)} ${failingWhat(rule)}`,
        samples,
      };
    },
  };
}

// TypeScript cannot see the common `target` through a generic Extract<…>; every rule type has it.
const targetOf = (rule: unknown) => (rule as { target: string }).target;
