/**
 * `npm run bench:copy-format`: text against binary COPY for rows shaped like order_items as mysql2
 * hands them over (big integers, decimals and DATETIME(6) as strings). Each format encodes and loads
 * the same 1,000,000 rows into an unlogged table, three times; medians are printed. The loader uses
 * the faster one (connectors/postgres/postgres-copy-loader.ts).
 */
import { once } from 'node:events';
import { from as copyFrom } from 'pg-copy-streams';
import { config } from '../core/config.ts';
import { createWarehousePool } from '../warehouse/index.ts';
import { encodeCopyRows } from './copy-text-encoder.ts';

const ROWS = 1_000_000;
const CHUNK_ROWS = 5_000;
const REPEATS = 3;
const TABLE = 'stg.copy_format_bench';

function sampleRows(): unknown[][] {
  const rows: unknown[][] = [];
  for (let i = 1; i <= ROWS; i++) {
    const micros = String(i % 1_000_000).padStart(6, '0');
    const stamp = `2025-${String((i % 12) + 1).padStart(2, '0')}-${String((i % 28) + 1).padStart(2, '0')} 10:${String(i % 60).padStart(2, '0')}:00.${micros}`;
    rows.push([
      String(i),
      stamp,
      stamp,
      String(i >> 2),
      String(i % 5000),
      (i % 8) + 1,
      `${i % 90000}.${String(i % 100).padStart(2, '0')}`,
      i % 10 === 0 ? '5.00' : '0.00',
    ]);
  }
  return rows;
}

// --- a binary encoder for exactly these column types: int8, timestamptz, int4, numeric, writing
// straight into one buffer per chunk (a Buffer per field made it 7x slower) ---
const PG_EPOCH_MICROS = BigInt(Date.UTC(2000, 0, 1)) * 1000n;
const HEADER = Buffer.concat([Buffer.from('PGCOPY\n\xff\r\n\0', 'latin1'), Buffer.alloc(8)]);

class BinaryWriter {
  buffer: Buffer;
  offset = 0;
  constructor(bytes: number) {
    this.buffer = Buffer.allocUnsafe(bytes);
  }
  int16(v: number) {
    this.offset = this.buffer.writeInt16BE(v, this.offset);
  }
  int8(value: string) {
    this.offset = this.buffer.writeInt32BE(8, this.offset);
    this.offset = this.buffer.writeBigInt64BE(BigInt(value), this.offset);
  }
  int4(value: number) {
    this.offset = this.buffer.writeInt32BE(4, this.offset);
    this.offset = this.buffer.writeInt32BE(value, this.offset);
  }
  timestamptz(value: string) {
    const y = Number(value.slice(0, 4));
    const mo = Number(value.slice(5, 7));
    const d = Number(value.slice(8, 10));
    const h = Number(value.slice(11, 13));
    const mi = Number(value.slice(14, 16));
    const sec = Number(value.slice(17, 19));
    const micros = Number(value.slice(20, 26).padEnd(6, '0'));
    const total = BigInt(Date.UTC(y, mo - 1, d, h, mi, sec) * 1000 + micros) - PG_EPOCH_MICROS;
    this.offset = this.buffer.writeInt32BE(8, this.offset);
    this.offset = this.buffer.writeBigInt64BE(total, this.offset);
  }
  numeric(value: string) {
    const negative = value.charCodeAt(0) === 45;
    const body = negative ? value.slice(1) : value;
    const dot = body.indexOf('.');
    const intPart = dot < 0 ? body : body.slice(0, dot);
    const fracPart = dot < 0 ? '' : body.slice(dot + 1);
    const digits: number[] = [];
    for (let end = intPart.length; end > 0; end -= 4)
      digits.unshift(Number(intPart.slice(Math.max(0, end - 4), end)));
    let weight = digits.length - 1;
    for (let i = 0; i < fracPart.length; i += 4) digits.push(Number(fracPart.slice(i, i + 4).padEnd(4, '0')));
    let first = 0;
    while (first < digits.length && digits[first] === 0) {
      first++;
      weight--;
    }
    let last = digits.length;
    while (last > first && digits[last - 1] === 0) last--;
    const n = last - first;
    if (n === 0) weight = 0;
    this.offset = this.buffer.writeInt32BE(8 + n * 2, this.offset);
    this.int16(n);
    this.int16(weight);
    this.offset = this.buffer.writeUInt16BE(negative ? 0x4000 : 0, this.offset);
    this.int16(fracPart.length);
    for (let i = first; i < last; i++) this.int16(digits[i]!);
  }
}

function encodeBinaryRows(rows: readonly unknown[][]): Buffer {
  const w = new BinaryWriter(rows.length * 160);
  for (const r of rows) {
    w.int16(8);
    w.int8(r[0] as string);
    w.timestamptz(r[1] as string);
    w.timestamptz(r[2] as string);
    w.int8(r[3] as string);
    w.int8(r[4] as string);
    w.int4(r[5] as number);
    w.numeric(r[6] as string);
    w.numeric(r[7] as string);
  }
  return w.buffer.subarray(0, w.offset);
}

async function load(
  pool: ReturnType<typeof createWarehousePool>,
  rows: unknown[][],
  format: 'text' | 'binary',
) {
  await pool.query(`truncate ${TABLE}`);
  const client = await pool.connect();
  const started = performance.now();
  let encodeMs = 0;
  try {
    const stream = client.query(
      copyFrom(`COPY ${TABLE} FROM STDIN${format === 'binary' ? ' WITH (FORMAT binary)' : ''}`),
    );
    const write = async (chunk: Buffer) => {
      if (!stream.write(chunk)) await once(stream, 'drain');
    };
    if (format === 'binary') await write(HEADER);
    let pending: Buffer[] = [];
    let pendingBytes = 0;
    for (let i = 0; i < rows.length; i += CHUNK_ROWS) {
      const t = performance.now();
      const slice = rows.slice(i, i + CHUNK_ROWS);
      const chunk =
        format === 'binary' ? encodeBinaryRows(slice) : Buffer.from(encodeCopyRows(slice), 'utf8');
      encodeMs += performance.now() - t;
      pending.push(chunk);
      pendingBytes += chunk.length;
      if (pendingBytes >= 1 << 20) {
        await write(Buffer.concat(pending));
        pending = [];
        pendingBytes = 0;
      }
    }
    if (format === 'binary') pending.push(Buffer.from([0xff, 0xff]));
    if (pending.length) await write(Buffer.concat(pending));
    stream.end();
    await once(stream, 'finish');
  } finally {
    client.release();
  }
  const { rows: check } = await pool.query(
    `select count(*)::int as n, sum(unit_price)::text as s from ${TABLE}`,
  );
  return { seconds: (performance.now() - started) / 1000, encodeSeconds: encodeMs / 1000, check: check[0] };
}

const pool = createWarehousePool(config().DWH_URL, { max: 1 });
await pool.query(`create unlogged table if not exists ${TABLE} (
  id bigint, created_at timestamptz, updated_at timestamptz, order_id bigint, product_id bigint,
  quantity integer, unit_price numeric(12,2), discount_amount numeric(12,2))`);
const rows = sampleRows();
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
const figures: Record<string, { rowsPerSecond: number; encodeShare: number }> = {};
const checks = new Set<string>();
for (const format of ['text', 'binary'] as const) {
  const runs = [];
  for (let i = 0; i < REPEATS; i++) runs.push(await load(pool, rows, format));
  for (const r of runs) checks.add(JSON.stringify(r.check));
  const seconds = median(runs.map((r) => r.seconds));
  figures[format] = {
    rowsPerSecond: Math.round(ROWS / seconds),
    encodeShare: median(runs.map((r) => r.encodeSeconds / r.seconds)),
  };
  process.stdout.write(
    `${format.padEnd(6)} ${figures[format].rowsPerSecond.toLocaleString('en-US')} rows/s (median of ${REPEATS}), encoding ${(figures[format].encodeShare * 100).toFixed(0)}% of the time\n`,
  );
}
await pool.query(`drop table ${TABLE}`);
await pool.end();
if (checks.size !== 1) throw new Error(`the two formats loaded different data: ${[...checks].join(' vs ')}`);
process.stdout.write(
  `both formats loaded identical data; faster: ${figures.text!.rowsPerSecond >= figures.binary!.rowsPerSecond ? 'text' : 'binary'}\n`,
);
