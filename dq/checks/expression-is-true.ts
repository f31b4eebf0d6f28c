import { z } from 'zod';
import { common, rowRule, sqlFragment } from '../rules/rule-fields.ts';
import { rowPredicateCheck } from './row-predicate-check.ts';

/** The rule as its .dq.yml declares it. */
export const expressionIsTrueSchema = z.strictObject({
  type: z.literal('expression_is_true'),
  /** True for every good row; a row where it is false or null fails. */
  expression: sqlFragment,
  ...rowRule,
  name: common.name.unwrap(),
});

/** A row passes only when the expression is true: false and null both fail. */
export const expressionIsTrueCheck = rowPredicateCheck<'expression_is_true'>(
  (rule) => ({ id: rule.name, where: rule.where, failing: () => `(${rule.expression}) is not true` }),
  (rule) => `where not (${rule.expression})`,
);
