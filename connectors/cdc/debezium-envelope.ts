import { z } from 'zod';

/**
 * Debezium change events as Kafka Connect's JSON converter writes them without embedded schemas
 * (ops/kafka-connect): validated with zod and turned into COPY text rows for the staging batch tables.
 * Knows column kinds, not the warehouse: the caller passes each table's columns.
 */

/** The column kinds of pipeline/source-tables.ts (DATETIME(6) in UTC, DECIMAL(12,2) as strings). */
export type CdcColumnKind = 'bigint' | 'integer' | 'decimal' | 'datetime' | 'text' | 'boolean' | 'json';

export interface CdcTableShape {
  primaryKey: string;
  cursorColumn: string;
  columns: readonly { name: string; type: CdcColumnKind }[];
}

const sourceSchema = z.looseObject({
  db: z.string(),
  table: z.string(),
  /** Binlog event time in ms (MySQL/MariaDB binlog timestamps have whole seconds). */
  ts_ms: z.number().int(),
  file: z.string().optional(),
  pos: z.number().int().optional(),
  gtid: z.string().nullish(),
  snapshot: z.union([z.string(), z.boolean()]).nullish(),
});

const rowSchema = z.record(z.string(), z.unknown());

export const debeziumEnvelopeSchema = z.object({
  op: z.enum(['c', 'u', 'd', 'r']),
  before: rowSchema.nullable(),
  after: rowSchema.nullable(),
  source: sourceSchema,
});

export type DebeziumEnvelope = z.infer<typeof debeziumEnvelopeSchema>;

/** One decoded change: the row's state after it (COPY text fields) or its deletion. */
export type DecodedChange =
  | {
      kind: 'upsert';
      key: string;
      /** COPY text fields in the table's column order (`\N` for NULL). */
      fields: string[];
      /** The row's cursor value (UTC, microseconds), its watermark position and commit-time proxy. */
      updatedAt: string;
      sourceTsMs: number;
      binlog: BinlogPosition;
    }
  | { kind: 'delete'; key: string; sourceTsMs: number; binlog: BinlogPosition }
  | { kind: 'tombstone' };

export interface BinlogPosition {
  file?: string;
  pos?: number;
  gtid?: string | null;
}

export class UndecodableChangeError extends Error {}

/*
 * Each kind accepts only what its warehouse column holds: a value PostgreSQL would refuse must be
 * dead-lettered here, one message, rather than fail its whole batch at COPY again and again (the
 * consumer retries a failed batch until it applies, and nothing after it moves meanwhile).
 */
const BIGINT_MAX = 2n ** 63n - 1n;
const INTEGER_MAX = 2n ** 31n - 1n;
const integerWithin = (max: bigint) =>
  z
    .union([z.number().int(), z.string().regex(/^-?\d+$/, 'must be an integer')])
    .transform(String)
    .refine(
      (v) => BigInt(v) <= max && BigInt(v) >= -max - 1n,
      `must fit ${max === BIGINT_MAX ? 'a bigint' : 'an integer'}`,
    );
/** DECIMAL(12,2) in the sources and numeric(12,2) in the warehouse. */
const decimalText = z
  .string()
  .regex(
    /^-?\d{1,10}(\.\d{1,2})?$/,
    'must be an exact decimal string of at most 10 digits before the point and 2 after',
  );
/** PostgreSQL text cannot hold a NUL character. */
const pgText = z.string().refine((v) => !v.includes('\u0000'), 'must not contain a NUL character');
/** MicroTimestamp: microseconds since the epoch, the DATETIME(6) value read as UTC. */
const microsText = z
  .union([z.number().int(), z.string().regex(/^-?\d+$/)])
  .transform((v) => microsToUtcText(BigInt(v)));
const booleanText = z
  .union([z.boolean(), z.literal(0), z.literal(1)])
  .transform((v) => (v === true || v === 1 ? 't' : 'f'));

const FIELD_SCHEMAS: Record<CdcColumnKind, z.ZodType<string>> = {
  bigint: integerWithin(BIGINT_MAX),
  integer: integerWithin(INTEGER_MAX),
  decimal: decimalText,
  datetime: microsText,
  text: pgText,
  boolean: booleanText,
  json: z
    .union([z.string(), z.record(z.string(), z.unknown()), z.array(z.unknown())])
    .transform((v) => (typeof v === 'string' ? v : JSON.stringify(v))),
};

/** '2026-12-04 10:11:12.123456' (UTC) from microseconds since the epoch, exactly (no JS Date rounding). */
export function microsToUtcText(micros: bigint): string {
  const MICROS_PER_SECOND = 1_000_000n;
  let seconds = micros / MICROS_PER_SECOND;
  let fraction = micros % MICROS_PER_SECOND;
  if (fraction < 0n) {
    fraction += MICROS_PER_SECOND;
    seconds -= 1n;
  }
  const whole = new Date(Number(seconds) * 1000).toISOString().slice(0, 19).replace('T', ' ');
  return `${whole}.${fraction.toString().padStart(6, '0')}`;
}

/** COPY text escaping: backslash, tab, newline and carriage return. */
function copyEscape(text: string): string {
  return /[\\\t\n\r]/.test(text)
    ? text.replaceAll('\\', '\\\\').replaceAll('\t', '\\t').replaceAll('\n', '\\n').replaceAll('\r', '\\r')
    : text;
}

function decodeRow(
  row: Record<string, unknown>,
  shape: CdcTableShape,
): { fields: string[]; values: Map<string, string> } {
  const fields: string[] = [];
  const values = new Map<string, string>();
  for (const column of shape.columns) {
    const raw = row[column.name];
    if (raw === null || raw === undefined) {
      if (column.name === shape.primaryKey || column.name === shape.cursorColumn) {
        throw new UndecodableChangeError(`${column.name} is missing`);
      }
      fields.push('\\N');
      continue;
    }
    const parsed = FIELD_SCHEMAS[column.type].safeParse(raw);
    if (!parsed.success) {
      throw new UndecodableChangeError(
        `${column.name}: ${parsed.error.issues[0]!.message} (got ${JSON.stringify(raw)})`,
      );
    }
    values.set(column.name, parsed.data);
    fields.push(copyEscape(parsed.data));
  }
  return { fields, values };
}

/**
 * Decodes one Kafka message value (null: a tombstone). Throws UndecodableChangeError with the reason
 * when the message is not a change event of this table's shape: it goes to the dead-letter topic.
 */
export function decodeChange(value: Buffer | null, shape: CdcTableShape): DecodedChange {
  if (value === null || value.length === 0) return { kind: 'tombstone' };
  let json: unknown;
  try {
    json = JSON.parse(value.toString('utf8'));
  } catch (error) {
    throw new UndecodableChangeError(`not JSON: ${(error as Error).message}`);
  }
  const parsed = debeziumEnvelopeSchema.safeParse(json);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    throw new UndecodableChangeError(
      `not a Debezium change event: ${issue.path.join('.') || 'value'} ${issue.message}`,
    );
  }
  const event = parsed.data;
  const binlog: BinlogPosition = { file: event.source.file, pos: event.source.pos, gtid: event.source.gtid };
  if (event.op === 'd') {
    if (!event.before) throw new UndecodableChangeError('delete without before');
    const key = FIELD_SCHEMAS.bigint.safeParse(event.before[shape.primaryKey]);
    if (!key.success)
      throw new UndecodableChangeError(`${shape.primaryKey}: missing or not an integer in before`);
    return { kind: 'delete', key: key.data, sourceTsMs: event.source.ts_ms, binlog };
  }
  if (!event.after) throw new UndecodableChangeError(`op ${event.op} without after`);
  const { fields, values } = decodeRow(event.after, shape);
  return {
    kind: 'upsert',
    key: values.get(shape.primaryKey)!,
    fields,
    updatedAt: values.get(shape.cursorColumn)!,
    sourceTsMs: event.source.ts_ms,
    binlog,
  };
}
