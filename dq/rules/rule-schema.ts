import { z } from 'zod';
import { SOURCE_DATABASES } from '../../core/config.ts';

/**
 * The shape of a `.dq.yml` file: an optional default `target` (else `dwh.<file name>`) and a list of
 * rules. Every rule is strict (an unknown key is a typo, and is reported as one), has a severity
 * (`error` stops the pipeline, `warn` is recorded) and, where it counts rows, a threshold: at most
 * `max_failing` failing rows (default 0) or at least a `mostly` share of rows passing.
 */

const identifier = z.string().regex(/^[a-z_][a-z0-9_]*$/, 'must be a lower-case SQL identifier');
const tableName = z
  .string()
  .regex(/^[a-z_][a-z0-9_]*\.[a-z_][a-z0-9_]*$/, 'must be a qualified table name such as dwh.fact_sales');
const sourceDatabase = z.enum(SOURCE_DATABASES);
const sourceTableName = tableName.refine(
  (name) => (SOURCE_DATABASES as readonly string[]).includes(name.split('.')[0]!),
  `must be <source database>.<table>, the database one of ${SOURCE_DATABASES.join(', ')}`,
);
/** A SQL fragment written by the rule's author (trusted like the models); run in read-only transactions. */
const sqlFragment = z.string().trim().min(1, 'must not be empty');
const durationPattern = /^(\d+(?:\.\d+)?)\s*(s|m|h|d)$/;
const DURATION_UNIT_SECONDS = { s: 1, m: 60, h: 3600, d: 86_400 } as const;
/** `90s`, `30m`, `36h`, `2d`, or a number of seconds. */
const duration = z.union([
  z.number().positive(),
  z
    .string()
    .regex(durationPattern, 'must be a duration such as 30m, 36h or 2d')
    .transform((text) => {
      const [, amount, unit] = durationPattern.exec(text)!;
      return Number(amount) * DURATION_UNIT_SECONDS[unit as keyof typeof DURATION_UNIT_SECONDS];
    }),
]);

const common = {
  name: z
    .string()
    .regex(/^[a-z0-9_][a-z0-9_.-]*$/, 'must be lower-case letters, digits, _ . -')
    .optional(),
  description: z.string().optional(),
  severity: z.enum(['warn', 'error']).default('error'),
  target: tableName.optional(),
};

const countThresholds = {
  /** At most this many failing rows (default 0 when `mostly` is not given). */
  max_failing: z.number().int().min(0).optional(),
  /** At least this share of the rows must pass, 0 < mostly ≤ 1. */
  mostly: z.number().gt(0).lte(1).optional(),
};

/** Rules that look at the rows of one table, optionally only those matching `where`. */
const rowRule = { ...common, ...countThresholds, where: sqlFragment.optional() };

const notNull = z.strictObject({ type: z.literal('not_null'), column: identifier, ...rowRule });
const unique = z.strictObject({ type: z.literal('unique'), columns: z.array(identifier).min(1), ...rowRule });
const acceptedValues = z.strictObject({
  type: z.literal('accepted_values'),
  column: identifier,
  values: z.array(z.union([z.string(), z.number(), z.boolean()])).min(1),
  ...rowRule,
});
const relationships = z.strictObject({
  type: z.literal('relationships'),
  column: identifier,
  /** The referenced table and column. */
  to: tableName,
  field: identifier,
  /** The unknown member's key; rows on it are counted apart from orphans. Default 0; null: none. */
  unknown_key: z.union([z.number(), z.string()]).nullable().default(0),
  /** At most this share (0–1) of the rows may point at the unknown member. */
  max_unknown_ratio: z.number().min(0).max(1).optional(),
  /** At most this many rows may point at the unknown member. */
  max_unknown: z.number().int().min(0).optional(),
  ...rowRule,
});
const expressionIsTrue = z.strictObject({
  type: z.literal('expression_is_true'),
  /** True for every good row; a row where it is false or null fails. */
  expression: sqlFragment,
  ...rowRule,
  name: common.name.unwrap(),
});
const customSql = z.strictObject({
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
const scd2Integrity = z.strictObject({
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
const freshness = z.strictObject({
  type: z.literal('freshness'),
  /** The source table whose newest loaded row is measured, e.g. orders.orders. */
  source: sourceTableName,
  column: identifier.default('updated_at'),
  /** Fails when the newest loaded row is older than this. */
  max_age: duration,
  ...common,
});

const sourceSide = z.strictObject({
  database: sourceDatabase,
  /** The FROM clause in the source, joins allowed: `order_items i join orders o on o.id = i.order_id`. */
  from: sqlFragment,
  /** The UTC DATETIME whose business-local day a row belongs to. */
  timestamp: sqlFragment,
  where: sqlFragment.optional(),
  /**
   * Each loaded source table's watermark (etl.watermarks) and the column of `from` it bounds, e.g.
   * `orders.orders: o.updated_at`: a day with rows changed after its table's watermark (less
   * `settle_seconds`) is not compared yet, since the warehouse cannot have them.
   */
  watermarks: z.record(sourceTableName, sqlFragment).default({}),
});
const warehouseSide = z.strictObject({
  /** Default: the rule's target. */
  from: sqlFragment.optional(),
  where: sqlFragment.optional(),
  /** The integer yyyymmdd local-day key column. */
  date_key: identifier,
});
const reconciliationCommon = {
  ...common,
  max_failing: countThresholds.max_failing,
  /** Rows changed less than this before the watermark may still be in flight: their days wait. */
  settle_seconds: z.number().int().min(0).default(600),
};
const rowCountReconciliation = z.strictObject({
  type: z.literal('row_count_reconciliation'),
  source: sourceSide,
  warehouse: warehouseSide,
  ...reconciliationCommon,
});
const sumReconciliation = z.strictObject({
  type: z.literal('sum_reconciliation'),
  source: sourceSide.extend({ measure: sqlFragment }),
  warehouse: warehouseSide.extend({ measure: sqlFragment }),
  /** Largest absolute difference per day still counted as equal (default 0: exact). */
  tolerance: z.union([z.number().min(0), z.string().regex(/^\d+(\.\d+)?$/)]).default(0),
  ...reconciliationCommon,
});

export const ruleSchema = z
  .discriminatedUnion('type', [
    notNull,
    unique,
    acceptedValues,
    relationships,
    expressionIsTrue,
    customSql,
    scd2Integrity,
    freshness,
    rowCountReconciliation,
    sumReconciliation,
  ])
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

export const RULE_TYPES: readonly RuleType[] = [
  'not_null',
  'unique',
  'accepted_values',
  'relationships',
  'freshness',
  'row_count_reconciliation',
  'sum_reconciliation',
  'scd2_integrity',
  'expression_is_true',
  'custom_sql',
];
