import { z } from 'zod';
import { identifier, rowRule } from '../rules/rule-fields.ts';
import { quoteName } from '../run/read-only-queries.ts';
import { rowPredicateCheck } from './row-predicate-check.ts';

/** The rule as its .dq.yml declares it. */
export const notNullSchema = z.strictObject({ type: z.literal('not_null'), column: identifier, ...rowRule });

export const notNullCheck = rowPredicateCheck<'not_null'>(
  (rule) => ({ id: rule.name, where: rule.where, failing: () => `t.${quoteName(rule.column)} is null` }),
  (rule) => `have ${rule.column} null`,
);
