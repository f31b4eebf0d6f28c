import { z } from 'zod';
import { common, countThresholds, identifier } from '../rules/rule-fields.ts';
import type { DqRuleOf } from '../rules/rule-schema.ts';
import type { CheckContext, RuleCheck } from '../run/check-context.ts';
import { queryWarehouse, quoteName, sqlLiteral } from '../run/read-only-queries.ts';
import { hasRunColumn } from '../run/table-scans.ts';
import { judgeCount } from '../run/thresholds.ts';

/** The rule as its .dq.yml declares it. */
export const scd2IntegritySchema = z.strictObject({
  type: z.literal('scd2_integrity'),
  /** The natural key, e.g. customer_id. */
  key: identifier,
  /** The surrogate key; default the natural key with _id replaced by _key. */
  surrogate_key: identifier.optional(),
  valid_from: identifier.default('valid_from'),
  valid_to: identifier.default('valid_to'),
  is_current: identifier.default('is_current'),
  /** valid_to of the current version (DESIGN.md 3.3: 9999-12-31). */
  open_end: z.string().default('9999-12-31'),
  ...common,
  max_failing: countThresholds.max_failing,
});

/** Problems a version can have, as stored in each sample row's `_dq_problems`. */
export const SCD2_PROBLEMS = [
  'several_current',
  'no_current',
  'overlap',
  'gap',
  'current_not_latest',
  'current_not_open',
] as const;

/**
 * In run scope, the keys whose history the run wrote: every change it made to a key leaves a version
 * stamped with the run (a new version, or an inferred member completed in place), and only a changed
 * history can have broken. Every key otherwise.
 */
async function runScopeFilter(rule: DqRuleOf<'scd2_integrity'>, context: CheckContext): Promise<string> {
  const runId = context.scopeRunId;
  if (runId === null || !(await hasRunColumn(context.deps.warehouse, rule.target))) return 'true';
  const key = quoteName(rule.key);
  return `t.${key} in (select r.${key} from ${quoteName(rule.target)} r where r.etl_run_id = ${Math.trunc(runId)})`;
}

/**
 * One pass over the dimension with window functions, versions ordered by valid_from per natural key:
 * exactly one current version, the latest, open-ended; each version ends where the next begins
 * (earlier: overlap, later: gap). Only failing versions are fetched, by surrogate key.
 */
export const scd2IntegrityCheck: RuleCheck<'scd2_integrity'> = {
  async run(rule, context) {
    const runScope = await runScopeFilter(rule, context);
    const key = quoteName(rule.key);
    const surrogate = quoteName(rule.surrogate_key ?? rule.key.replace(/_id$/, '_key'));
    const from = quoteName(rule.valid_from);
    const to = quoteName(rule.valid_to);
    const current = quoteName(rule.is_current);
    const openEnd = `${sqlLiteral(rule.open_end)}::timestamptz`;
    const [row] = await queryWarehouse<Record<string, string> & { samples: Record<string, unknown>[] }>(
      context.deps.warehouse,
      `with versions as (
         select t.${surrogate} as surrogate, t.${from} as valid_from, t.${to} as valid_to, t.${current} as is_current,
           lead(t.${from}) over w as next_from,
           lag(t.${to}) over w as previous_to,
           count(*) filter (where t.${current}) over (partition by t.${key}) as current_versions
         from ${quoteName(rule.target)} t
         where ${runScope}
         window w as (partition by t.${key} order by t.${from}, t.${surrogate})
       ),
       checked as (
         select surrogate, array_remove(array[
           case when is_current and current_versions > 1 then 'several_current' end,
           case when current_versions = 0 and next_from is null then 'no_current' end,
           case when next_from < valid_to or previous_to > valid_from then 'overlap' end,
           case when next_from > valid_to then 'gap' end,
           case when is_current and next_from is not null then 'current_not_latest' end,
           case when is_current and valid_to <> ${openEnd} then 'current_not_open' end
         ], null) as problems
         from versions
       ),
       failing as (select * from checked where cardinality(problems) > 0)
       select
         (select count(*) from checked) as total,
         (select count(*) from failing) as failing,
         ${SCD2_PROBLEMS.map((p) => `(select count(*) from failing where '${p}' = any(problems)) as ${p}`).join(',\n')},
         (select coalesce(jsonb_agg(s.row order by s.k, s.f), '[]') from (
            select to_jsonb(t) || jsonb_build_object('_dq_problems', f.problems) as row, t.${key} as k, t.${from} as f
            from (select * from failing order by surrogate limit ${context.sampleLimit}) f
            join ${quoteName(rule.target)} t on t.${surrogate} = f.surrogate) s) as samples`,
    );
    const failing = Number(row!.failing);
    const total = Number(row!.total);
    const byProblem = Object.fromEntries(SCD2_PROBLEMS.map((p) => [p, Number(row![p])]));
    const found = Object.entries(byProblem)
      .filter(([, n]) => n > 0)
      .map(([p, n]) => `${p} ${n}`);
    return {
      ...judgeCount(rule, failing, total),
      observed: failing,
      failingCount: failing,
      totalCount: total,
      message:
        found.length === 0
          ? `${total.toLocaleString('en-US')} versions: one current per ${rule.key}, contiguous validity`
          : `${failing.toLocaleString('en-US')} of ${total.toLocaleString('en-US')} versions break the history: ${found.join(', ')}`,
      samples: row!.samples,
      details: byProblem,
    };
  },
};
