import { quoteName } from '../run/read-only-queries.ts';
import { rowPredicateCheck } from './row-predicate-check.ts';

export const notNullCheck = rowPredicateCheck<'not_null'>(
  (rule) => ({ id: rule.name, where: rule.where, failing: () => `t.${quoteName(rule.column)} is null` }),
  (rule) => `have ${rule.column} null`,
);
