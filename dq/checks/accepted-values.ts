import { quoteName, sqlLiteral } from '../run/read-only-queries.ts';
import { rowPredicateCheck } from './row-predicate-check.ts';

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
