/**
 * How source column kinds are stored in the warehouse, chosen so values round-trip exactly:
 * DECIMAL(12,2) as numeric, DATETIME(6) (UTC) as timestamptz with its microseconds.
 */
export const COLUMN_TYPES = {
  bigint: 'bigint',
  integer: 'integer',
  decimal: 'numeric(12,2)',
  datetime: 'timestamptz',
  text: 'text',
  boolean: 'boolean',
  json: 'jsonb',
} as const;
export type ColumnType = keyof typeof COLUMN_TYPES;
