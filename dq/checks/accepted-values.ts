import { z } from 'zod';
import { identifier, rowRule } from '../rules/rule-fields.ts';
import { quoteName, sqlLiteral } from '../run/read-only-queries.ts';
import { rowPredicateCheck } from './row-predicate-check.ts';

/** The rule as its .dq.yml declares it. */
export const acceptedValuesSchema = z.strictObject({
  type: z.literal('accepted_values'),
  column: identifier,
  values: z.array(z.union([z.string(), z.number(), z.boolean()])).min(1),
  ...rowRule,
});

/** Nulls are not_null's business (as in dbt): only present values outside the list fail. */
export const acceptedValuesCheck = rowPredicateCheck<'accepted_values'>(
  (rule) => ({
    id: rule.name,
    where: rule.where,
    failing: () =>
      `t.${quoteName(rule.column)} is not null and t.${quoteName(rule.column)} not in (${rule.values.map(sqlLiteral).join(', ')})`,
  }),
  (rule) => `have ${rule.column} outside ${rule.values.join(', ')}`,
);
