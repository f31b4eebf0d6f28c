import { rowPredicateCheck } from './row-predicate-check.ts';

/** A row passes only when the expression is true: false and null both fail. */
export const expressionIsTrueCheck = rowPredicateCheck<'expression_is_true'>(
  (rule) => ({ id: rule.name, where: rule.where, failing: () => `(${rule.expression}) is not true` }),
  (rule) => `where not (${rule.expression})`,
);
