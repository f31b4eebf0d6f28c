import { z } from 'zod';
import { identifier, rowRule } from '../rules/rule-fields.ts';
import type { DqRuleOf } from '../rules/rule-schema.ts';
import type { CheckContext, RuleCheck } from '../run/check-context.ts';
import { queryWarehouse, quoteName } from '../run/read-only-queries.ts';
import { describeCount, judgeCount } from '../run/thresholds.ts';

/** The rule as its .dq.yml declares it. */
export const uniqueSchema = z.strictObject({
  type: z.literal('unique'),
  columns: z.array(identifier).min(1),
  ...rowRule,
});

type UniqueRule = DqRuleOf<'unique'>;

/**
 * A unique index PostgreSQL enforces on a subset of the columns already guarantees the rule: the
 * check reads the catalogue instead of grouping millions of rows (a primary key is the usual case).
 */
async function enforcingIndex(context: CheckContext, rule: UniqueRule): Promise<string | undefined> {
  const rows = await queryWarehouse<{ index_name: string }>(
    context.deps.warehouse,
    `select i.indexrelid::regclass::text as index_name
     from pg_index i
     where i.indrelid = to_regclass($1) and i.indisunique and i.indpred is null and i.indexprs is null
       and (select array_agg(a.attname::text) from pg_attribute a
            where a.attrelid = i.indrelid and a.attnum = any(i.indkey)) <@ $2::text[]
     limit 1`,
    [rule.target, rule.columns],
  );
  return rows[0]?.index_name;
}

/** Rows whose key (all columns non-null, as SQL unique constraints see it) occurs more than once. */
export const uniqueCheck: RuleCheck<'unique'> = {
  async run(rule, context) {
    const key = rule.columns.map((c) => `t.${quoteName(c)}`);
    if (!rule.where) {
      const index = await enforcingIndex(context, rule);
      if (index) {
        return {
          passed: true,
          threshold: judgeCount(rule, 0, null).threshold,
          observed: 0,
          failingCount: 0,
          totalCount: null,
          message: `enforced by the unique index ${index}`,
          samples: [],
          details: { enforced_by: index },
        };
      }
    }
    const table = `${quoteName(rule.target)} t`;
    const filter = `(${rule.where ?? 'true'}) and ${key.map((k) => `${k} is not null`).join(' and ')}`;
    const [row] = await queryWarehouse<{
      total: string;
      duplicate_keys: string;
      failing: string;
      samples: Record<string, unknown>[];
    }>(
      context.deps.warehouse,
      `with keys as (
         select ${key.map((k, i) => `${k} as k${i}`).join(', ')}, count(*) as n from ${table} where ${filter} group by ${key.join(', ')}
       ),
       duplicates as (select * from keys where n > 1)
       select
         (select coalesce(sum(n), 0) from keys) as total,
         (select count(*) from duplicates) as duplicate_keys,
         (select coalesce(sum(n), 0) from duplicates) as failing,
         (select coalesce(jsonb_agg(s.row), '[]') from (
            select to_jsonb(t) as row from ${table}
            join (select * from duplicates limit ${context.sampleLimit}) d on ${key.map((k, i) => `${k} = d.k${i}`).join(' and ')}
            where ${filter}
            order by ${key.join(', ')} limit ${context.sampleLimit}) s) as samples`,
    );
    const failing = Number(row!.failing);
    const total = Number(row!.total);
    return {
      ...judgeCount(rule, failing, total),
      observed: failing,
      failingCount: failing,
      totalCount: total,
      message: `${describeCount(failing, total)} share a (${rule.columns.join(', ')}) with another row (${Number(row!.duplicate_keys).toLocaleString('en-US')} duplicated keys)`,
      samples: row!.samples,
      details: { duplicate_keys: Number(row!.duplicate_keys) },
    };
  },
};
