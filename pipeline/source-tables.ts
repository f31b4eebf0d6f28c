import { z } from 'zod';
import { SOURCE_DATABASES } from '../core/config.ts';
import { ConfigError } from '../core/errors.ts';
import { COLUMN_TYPES, type ColumnType, type StagingTableSpec } from '../warehouse/index.ts';

/**
 * The source tables the pipeline loads, in one typed and validated place. Adding a table is one entry:
 * its staging mirror and batch tables are created from it.
 */

const identifier = z.string().regex(/^[a-z_][a-z0-9_]*$/, 'must be a lower-case SQL identifier');

const sourceTableSchema = z
  .object({
    database: z.enum(SOURCE_DATABASES),
    table: identifier,
    /** Single-column primary key; every source table has `id BIGINT` (DESIGN.md 3.2). */
    primaryKey: identifier.default('id'),
    /** Keyset cursor: (updated_at, primary key). */
    cursorColumn: identifier.default('updated_at'),
    columns: z
      .array(z.object({ name: identifier, type: z.enum(Object.keys(COLUMN_TYPES) as [ColumnType]) }))
      .min(2),
    /** Re-read this far behind the watermark for rows whose transaction committed late. Default 600 s. */
    lookbackSeconds: z.number().int().min(0).default(600),
    /** Rows newer than the source's NOW(6) minus this are left for the next run. Default 1 s. */
    safetyLagSeconds: z.number().min(0).default(1),
    /** `watermark`: incremental keyset extract; `cdc`: rows arrive from Debezium through Kafka. */
    mode: z.enum(['watermark', 'cdc']).default('watermark'),
    /** Compare key sets with the source each run to find hard deletes (watermarks cannot see them). */
    detectHardDeletes: z.boolean().default(false),
    /**
     * Extra indexes on the staging mirror, for the transforms' lookups. Each costs every merge an entry
     * per row written, on a random page unless its values arrive in order (a day's orders touched
     * thousands of customer_id leaf pages, each written whole to the WAL after a checkpoint).
     */
    mirrorIndexes: z.array(z.array(identifier).min(1)).default([]),
  })
  .refine((t) => t.columns.some((c) => c.name === t.primaryKey), 'columns must include the primary key')
  .refine((t) => t.columns.some((c) => c.name === t.cursorColumn), 'columns must include the cursor column');

export type SourceTable = z.infer<typeof sourceTableSchema>;

/** `orders.order_items` → the name used in CLI flags, watermarks and audit rows. */
export const qualifiedName = (t: Pick<SourceTable, 'database' | 'table'>) => `${t.database}.${t.table}`;

const standard = [
  { name: 'id', type: 'bigint' },
  { name: 'created_at', type: 'datetime' },
  { name: 'updated_at', type: 'datetime' },
] as const;

const SOURCE_TABLES_INPUT = [
  {
    database: 'orders',
    table: 'regions',
    columns: [...standard, { name: 'code', type: 'text' }, { name: 'name', type: 'text' }],
  },
  {
    database: 'orders',
    table: 'employees',
    columns: [
      ...standard,
      { name: 'full_name', type: 'text' },
      { name: 'email', type: 'text' },
      { name: 'position', type: 'text' },
      { name: 'region_id', type: 'bigint' },
      { name: 'active', type: 'boolean' },
    ],
  },
  {
    database: 'orders',
    table: 'customers',
    columns: [
      ...standard,
      { name: 'email', type: 'text' },
      { name: 'full_name', type: 'text' },
      { name: 'phone', type: 'text' },
      { name: 'city', type: 'text' },
      { name: 'region_id', type: 'bigint' },
      { name: 'manager_id', type: 'bigint' },
    ],
  },
  {
    database: 'orders',
    table: 'discounts',
    columns: [
      ...standard,
      { name: 'code', type: 'text' },
      { name: 'kind', type: 'text' },
      { name: 'value', type: 'decimal' },
      { name: 'active', type: 'boolean' },
      { name: 'valid_from', type: 'datetime' },
      { name: 'valid_to', type: 'datetime' },
    ],
  },
  {
    database: 'orders',
    table: 'orders',
    columns: [
      ...standard,
      { name: 'customer_id', type: 'bigint' },
      { name: 'employee_id', type: 'bigint' },
      { name: 'status', type: 'text' },
      { name: 'currency', type: 'text' },
      { name: 'discount_id', type: 'bigint' },
      { name: 'subtotal_amount', type: 'decimal' },
      { name: 'discount_amount', type: 'decimal' },
      { name: 'total_amount', type: 'decimal' },
      { name: 'paid_at', type: 'datetime' },
      { name: 'shipped_at', type: 'datetime' },
      { name: 'delivered_at', type: 'datetime' },
      { name: 'cancelled_at', type: 'datetime' },
    ],
    mirrorIndexes: [['created_at']],
  },
  {
    database: 'orders',
    table: 'order_items',
    columns: [
      ...standard,
      { name: 'order_id', type: 'bigint' },
      { name: 'product_id', type: 'bigint' },
      { name: 'quantity', type: 'integer' },
      { name: 'unit_price', type: 'decimal' },
      { name: 'discount_amount', type: 'decimal' },
    ],
    detectHardDeletes: true,
    mirrorIndexes: [['order_id']],
  },
  {
    database: 'catalog',
    table: 'categories',
    columns: [
      ...standard,
      { name: 'parent_id', type: 'bigint' },
      { name: 'name', type: 'text' },
      { name: 'slug', type: 'text' },
    ],
  },
  {
    database: 'catalog',
    table: 'products',
    columns: [
      ...standard,
      { name: 'sku', type: 'text' },
      { name: 'name', type: 'text' },
      { name: 'category_id', type: 'bigint' },
      { name: 'price', type: 'decimal' },
      { name: 'currency', type: 'text' },
      { name: 'active', type: 'boolean' },
    ],
  },
  {
    database: 'payments',
    table: 'payments',
    columns: [
      ...standard,
      { name: 'order_id', type: 'bigint' },
      { name: 'amount', type: 'decimal' },
      { name: 'currency', type: 'text' },
      { name: 'method', type: 'text' },
      { name: 'status', type: 'text' },
      { name: 'psp_reference', type: 'text' },
    ],
    mirrorIndexes: [['order_id']],
  },
];

/** Validates a table list; the error names the table and the field. */
export function parseSourceTables(input: unknown): SourceTable[] {
  const parsed = z.array(sourceTableSchema).safeParse(input);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    throw new ConfigError(`source table configuration: ${issue.path.join('.')} ${issue.message}`);
  }
  return parsed.data;
}

export const SOURCE_TABLES: readonly SourceTable[] = parseSourceTables(SOURCE_TABLES_INPUT);

/** Resolves `--tables a,b` (qualified or bare table names) against the configuration. */
export function selectSourceTables(
  names: readonly string[],
  all: readonly SourceTable[] = SOURCE_TABLES,
): SourceTable[] {
  if (names.length === 0) return [...all];
  return names.map((name) => {
    const found = all.find((t) => qualifiedName(t) === name || t.table === name);
    if (!found) {
      throw new ConfigError(`unknown source table '${name}'`, {
        hint: `choose from: ${all.map(qualifiedName).join(', ')}`,
      });
    }
    return found;
  });
}

/** The warehouse's view of a source table (warehouse/ knows nothing of MySQL). */
export function stagingSpec(table: SourceTable): StagingTableSpec {
  return {
    database: table.database,
    table: table.table,
    primaryKey: table.primaryKey,
    cursorColumn: table.cursorColumn,
    columns: table.columns,
    mirrorIndexes: table.mirrorIndexes,
  };
}
