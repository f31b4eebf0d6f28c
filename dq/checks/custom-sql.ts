import { z } from 'zod';
import { common, countThresholds, identifier, sourceDatabase, sqlFragment } from '../rules/rule-fields.ts';
import type { DqRuleOf } from '../rules/rule-schema.ts';
import type { CheckContext, RuleCheck } from '../run/check-context.ts';
import { querySource, queryWarehouse, quoteName } from '../run/read-only-queries.ts';
import { judgeCount } from '../run/thresholds.ts';

/** The rule as its .dq.yml declares it. */
export const customSqlSchema = z.strictObject({
  type: z.literal('custom_sql'),
  /** A query returning the failing rows (none when the data is good). */
  sql: sqlFragment,
  /** Run it on this source database instead of the warehouse. */
  database: sourceDatabase.optional(),
  /**
   * A column of the query's result holding the ETL run that wrote the row (e.g. etl_run_id): a gate
   * scoped to a run then counts only that run's rows, instead of the whole table after every load.
   */
  scope_column: identifier.optional(),
  ...common,
  name: common.name.unwrap(),
  max_failing: countThresholds.max_failing,
});

type CustomSqlRule = DqRuleOf<'custom_sql'>;

/** The rule's query, limited to the scoped run's rows when it names the column that holds the run. */
function scopedQuery(rule: CustomSqlRule, context: CheckContext): string {
  const query = rule.sql.replace(/;\s*$/, '');
  if (context.scopeRunId === null || !rule.scope_column) return query;
  const column = rule.database ? `\`${rule.scope_column}\`` : quoteName(rule.scope_column);
  return `select * from (${query}) scoped where scoped.${column} = ${Math.trunc(context.scopeRunId)}`;
}

/** dbt's singular tests: the query returns the failing rows, so an empty result passes. */
async function failingRows(rule: CustomSqlRule, context: CheckContext) {
  const query = scopedQuery(rule, context);
  if (rule.database) {
    const source = context.deps.source(rule.database);
    const [count] = await querySource<{ n: string | number }>(
      source,
      `SELECT COUNT(*) AS n FROM (${query}) q`,
    );
    const samples = await querySource<Record<string, unknown>>(
      source,
      `SELECT * FROM (${query}) q LIMIT ${context.sampleLimit}`,
    );
    return { failing: Number(count!.n), samples };
  }
  // Counted on its own first: a plain count runs in parallel workers, and good data (the usual case)
  // then needs no second query for samples.
  const [count] = await queryWarehouse<{ failing: string }>(
    context.deps.warehouse,
    `select count(*) as failing from (${query}) q`,
  );
  const failing = Number(count!.failing);
  const samples =
    failing === 0
      ? []
      : await queryWarehouse<{ row: Record<string, unknown> }>(
          context.deps.warehouse,
          `select to_jsonb(q) as row from (${query}) q limit ${context.sampleLimit}`,
        );
  return { failing, samples: samples.map((r) => r.row) };
}

export const customSqlCheck: RuleCheck<'custom_sql'> = {
  async run(rule, context) {
    const { failing, samples } = await failingRows(rule, context);
    return {
      ...judgeCount(rule, failing, null),
      observed: failing,
      failingCount: failing,
      totalCount: null,
      message: `the query returned ${failing.toLocaleString('en-US')} failing rows`,
      samples,
    };
  },
};
