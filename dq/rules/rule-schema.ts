import { z } from 'zod';
import { acceptedValuesSchema } from '../checks/accepted-values.ts';
import { customSqlSchema } from '../checks/custom-sql.ts';
import { expressionIsTrueSchema } from '../checks/expression-is-true.ts';
import { freshnessSchema } from '../checks/freshness.ts';
import { notNullSchema } from '../checks/not-null.ts';
import { rowCountReconciliationSchema, sumReconciliationSchema } from '../checks/reconciliation.ts';
import { relationshipsSchema } from '../checks/relationships.ts';
import { scd2IntegritySchema } from '../checks/scd2-integrity.ts';
import { uniqueSchema } from '../checks/unique.ts';
import { tableName } from './rule-fields.ts';

/**
 * The shape of a `.dq.yml` file: an optional default `target` (else `dwh.<file name>`) and a list of
 * rules. Every rule is strict (an unknown key is a typo, and is reported as one), has a severity
 * (`error` stops the pipeline, `warn` is recorded) and, where it counts rows, a threshold: at most
 * `max_failing` failing rows (default 0) or at least a `mostly` share of rows passing.
 */

/** Every rule type's schema, each declared in the module that checks it: the one list of types. */
const RULE_SCHEMAS = [
  notNullSchema,
  uniqueSchema,
  acceptedValuesSchema,
  relationshipsSchema,
  freshnessSchema,
  rowCountReconciliationSchema,
  sumReconciliationSchema,
  scd2IntegritySchema,
  expressionIsTrueSchema,
  customSqlSchema,
] as const;

export const ruleSchema = z
  .discriminatedUnion('type', RULE_SCHEMAS)
  .refine((rule) => !('mostly' in rule && rule.mostly !== undefined && rule.max_failing !== undefined), {
    message: 'give either mostly or max_failing, not both',
    path: ['mostly'],
  });

export const ruleFileSchema = z.strictObject({
  /** Default target of the file's rules; default dwh.<file name without .dq.yml>. */
  target: tableName.optional(),
  rules: z.array(ruleSchema).min(1, 'must list at least one rule'),
});

export type RuleInput = z.infer<typeof ruleSchema>;
export type RuleType = RuleInput['type'];

/** A validated rule with its name and target resolved and the file that declares it. */
export type DqRule = RuleInput & { name: string; target: string; file: string };
export type DqRuleOf<T extends RuleType> = Extract<RuleInput, { type: T }> & {
  name: string;
  target: string;
  file: string;
};

/** The rule types, derived from their schemas. */
export const RULE_TYPES: readonly RuleType[] = RULE_SCHEMAS.map((schema) => schema.shape.type.value);
