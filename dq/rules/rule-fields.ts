import { z } from 'zod';
import { SOURCE_DATABASES } from '../../core/config.ts';

/** Fields and pieces the rule types' schemas share (each type's own schema is in its module in ../checks/). */

export const identifier = z.string().regex(/^[a-z_][a-z0-9_]*$/, 'must be a lower-case SQL identifier');
export const tableName = z
  .string()
  .regex(/^[a-z_][a-z0-9_]*\.[a-z_][a-z0-9_]*$/, 'must be a qualified table name such as dwh.fact_sales');
export const sourceDatabase = z.enum(SOURCE_DATABASES);
export const sourceTableName = tableName.refine(
  (name) => (SOURCE_DATABASES as readonly string[]).includes(name.split('.')[0]!),
  `must be <source database>.<table>, the database one of ${SOURCE_DATABASES.join(', ')}`,
);
/** A SQL fragment written by the rule's author (trusted like the models); run in read-only transactions. */
export const sqlFragment = z.string().trim().min(1, 'must not be empty');
export const durationPattern = /^(\d+(?:\.\d+)?)\s*(s|m|h|d)$/;
export const DURATION_UNIT_SECONDS = { s: 1, m: 60, h: 3600, d: 86_400 } as const;
/** `90s`, `30m`, `36h`, `2d`, or a number of seconds. */
export const duration = z.union([
  z.number().positive(),
  z
    .string()
    .regex(durationPattern, 'must be a duration such as 30m, 36h or 2d')
    .transform((text) => {
      const [, amount, unit] = durationPattern.exec(text)!;
      return Number(amount) * DURATION_UNIT_SECONDS[unit as keyof typeof DURATION_UNIT_SECONDS];
    }),
]);

export const common = {
  name: z
    .string()
    .regex(/^[a-z0-9_][a-z0-9_.-]*$/, 'must be lower-case letters, digits, _ . -')
    .optional(),
  description: z.string().optional(),
  severity: z.enum(['warn', 'error']).default('error'),
  target: tableName.optional(),
};

export const countThresholds = {
  /** At most this many failing rows (default 0 when `mostly` is not given). */
  max_failing: z.number().int().min(0).optional(),
  /** At least this share of the rows must pass, 0 < mostly ≤ 1. */
  mostly: z.number().gt(0).lte(1).optional(),
};

/** Rules that look at the rows of one table, optionally only those matching `where`. */
export const rowRule = { ...common, ...countThresholds, where: sqlFragment.optional() };

export const sourceSide = z.strictObject({
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
export const warehouseSide = z.strictObject({
  /** Default: the rule's target. */
  from: sqlFragment.optional(),
  where: sqlFragment.optional(),
  /** The integer yyyymmdd local-day key column. */
  date_key: identifier,
});
export const reconciliationCommon = {
  ...common,
  max_failing: countThresholds.max_failing,
  /** Rows changed less than this before the watermark may still be in flight: their days wait. */
  settle_seconds: z.number().int().min(0).default(600),
};
