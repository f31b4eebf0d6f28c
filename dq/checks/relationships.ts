import { z } from 'zod';
import { identifier, rowRule, tableName } from '../rules/rule-fields.ts';
import type { DqRuleOf } from '../rules/rule-schema.ts';
import type { RuleCheck } from '../run/check-context.ts';
import { quoteName, sqlLiteral } from '../run/read-only-queries.ts';
import type { RowPredicate } from '../run/table-scans.ts';
import { describeCount, judgeCount } from '../run/thresholds.ts';

/** The rule as its .dq.yml declares it. */
export const relationshipsSchema = z.strictObject({
  type: z.literal('relationships'),
  column: identifier,
  /** The referenced table and column. */
  to: tableName,
  field: identifier,
  /** The unknown member's key; rows on it are counted apart from orphans. Default 0; null: none. */
  unknown_key: z.union([z.number(), z.string()]).nullable().default(0),
  /** At most this share (0–1) of the rows may point at the unknown member. */
  max_unknown_ratio: z.number().min(0).max(1).optional(),
  /** At most this many rows may point at the unknown member. */
  max_unknown: z.number().int().min(0).optional(),
  ...rowRule,
});

type RelationshipsRule = DqRuleOf<'relationships'>;

function toPredicate(rule: RelationshipsRule): RowPredicate {
  const column = `t.${quoteName(rule.column)}`;
  return {
    id: rule.name,
    where: rule.where,
    lookup: { table: rule.to, field: rule.field, column: rule.column },
    failing: (ref) => `${column} is not null and ${ref} is null`,
    unknown: rule.unknown_key === null ? undefined : `${column} = ${sqlLiteral(rule.unknown_key)}`,
  };
}

/** Unknown-member limits: a share of the rows, a count, or both. */
function judgeUnknown(rule: RelationshipsRule, unknown: number, total: number) {
  const limits: string[] = [];
  let passed = true;
  if (rule.max_unknown_ratio !== undefined) {
    limits.push(`max_unknown_ratio ${rule.max_unknown_ratio}`);
    passed &&= total === 0 || unknown / total <= rule.max_unknown_ratio;
  }
  if (rule.max_unknown !== undefined) {
    limits.push(`max_unknown ${rule.max_unknown}`);
    passed &&= unknown <= rule.max_unknown;
  }
  return { passed, limits };
}

/**
 * Fact → dimension: no key without its dimension row (an orphan), and rows on the unknown member
 * counted and held to their own limit, since a load that maps everything to "unknown" is no better.
 */
export const relationshipsCheck: RuleCheck<'relationships'> = {
  plan(rule, context) {
    context.scans.plan(rule.target, toPredicate(rule));
  },
  async run(rule, context) {
    const predicate = toPredicate(rule);
    const counts = await context.scans.counts(rule.target, predicate);
    const orphans = judgeCount(rule, counts.failing, counts.total);
    const unknown = judgeUnknown(rule, counts.unknown, counts.total);
    const samples: Record<string, unknown>[] = [];
    if (counts.failing > 0) {
      const rows = await context.scans.sample(rule.target, predicate, predicate.failing, context.sampleLimit);
      samples.push(...rows.map((row) => ({ _dq_problem: 'orphan', ...row })));
    }
    if (!unknown.passed && samples.length < context.sampleLimit) {
      const rows = await context.scans.sample(
        rule.target,
        predicate,
        () => predicate.unknown!,
        context.sampleLimit - samples.length,
      );
      samples.push(...rows.map((row) => ({ _dq_problem: 'unknown_member', ...row })));
    }
    const share = counts.total === 0 ? 0 : counts.unknown / counts.total;
    return {
      passed: orphans.passed && unknown.passed,
      threshold: [orphans.threshold, ...unknown.limits].join(', '),
      observed: counts.failing,
      failingCount: counts.failing,
      totalCount: counts.total,
      message:
        `${describeCount(counts.failing, counts.total)} have ${rule.column} missing from ${rule.to}.${rule.field}` +
        (rule.unknown_key === null
          ? ''
          : `; ${counts.unknown.toLocaleString('en-US')} (${(share * 100).toFixed(2)}%) on the unknown member`),
      samples,
      details: {
        orphans: counts.failing,
        unknown_member_rows: counts.unknown,
        unknown_member_share: share,
        ...(counts.enforcedBy ? { orphans_prevented_by: counts.enforcedBy } : {}),
      },
    };
  },
};
