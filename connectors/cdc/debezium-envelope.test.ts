import { describe, expect, it } from 'vitest';
import {
  type CdcTableShape,
  decodeChange,
  microsToUtcText,
  UndecodableChangeError,
  utcSecondsText,
} from './debezium-envelope.ts';

const SHAPE: CdcTableShape = {
  primaryKey: 'id',
  cursorColumn: 'updated_at',
  columns: [
    { name: 'id', type: 'bigint' },
    { name: 'updated_at', type: 'datetime' },
    { name: 'quantity', type: 'integer' },
    { name: 'unit_price', type: 'decimal' },
    { name: 'note', type: 'text' },
    { name: 'active', type: 'boolean' },
    { name: 'attributes', type: 'json' },
  ],
};
const SOURCE = { db: 'orders', table: 'order_items', ts_ms: 1_733_380_000_000, file: 'bin.000003', pos: 7 };
const event = (after: Record<string, unknown>, op = 'c') =>
  Buffer.from(JSON.stringify({ op, before: null, after, source: SOURCE }));
const ROW = {
  id: 42,
  updated_at: 1_733_380_000_123_456,
  quantity: '3',
  unit_price: '1234567890.99',
  note: 'tab\there',
  active: 1,
  attributes: { colour: 'red' },
};

describe('decodeChange', () => {
  it('turns every column kind into exact COPY text (decimals as written, datetimes in UTC to the µs)', () => {
    expect(decodeChange(event(ROW), SHAPE)).toEqual({
      kind: 'upsert',
      key: '42',
      fields: [
        '42',
        '2024-12-05 06:26:40.123456',
        '3',
        '1234567890.99',
        'tab\\there',
        't',
        '{"colour":"red"}',
      ],
      updatedAt: '2024-12-05 06:26:40.123456',
      sourceTsMs: SOURCE.ts_ms,
      binlog: { file: 'bin.000003', pos: 7, gtid: undefined },
    });
  });

  it('reads microseconds given as numbers or strings, before 1970 as well, the same', () => {
    for (const micros of [0, -1, 1_733_380_000_123_456, -30_610_224_000_000_000]) {
      expect(microsToUtcText(micros)).toBe(microsToUtcText(BigInt(micros)));
    }
    expect(microsToUtcText(-1)).toBe('1969-12-31 23:59:59.999999');
    const asString = decodeChange(event({ ...ROW, updated_at: '1733380000123456' }), SHAPE);
    expect(asString.kind === 'upsert' && asString.updatedAt).toBe('2024-12-05 06:26:40.123456');
  });

  it('formats whole seconds by arithmetic exactly as Date does, over all of DATETIME and its edges', () => {
    const first = Date.parse('1000-01-01T00:00:00Z') / 1000;
    const last = Date.parse('9999-12-31T23:59:59Z') / 1000;
    const viaDate = (s: number) => new Date(s * 1000).toISOString().slice(0, 19).replace('T', ' ');
    const edges = [first, last, 0, -1, 951_782_400, 951_868_799, 4_107_542_400, 4_107_628_799];
    // A fixed walk across the range (no randomness: a failure must repeat), days and seconds apart.
    const walk = Array.from(
      { length: 20_000 },
      (_, i) => first + Math.floor(((last - first) * i) / 19_999) - (i % 86_400),
    );
    for (const s of [...edges, ...walk].filter((x) => x >= first && x <= last)) {
      expect(utcSecondsText(s), String(s)).toBe(viaDate(s));
    }
    expect(microsToUtcText(first * 1_000_000)).toBe('1000-01-01 00:00:00.000000');
    // Past 2255 microseconds are beyond a safe number: the exact BigInt path.
    expect(microsToUtcText(BigInt(last) * 1_000_000n + 999_999n)).toBe('9999-12-31 23:59:59.999999');
    expect(microsToUtcText(Date.parse('2255-06-01T00:00:00Z') * 1000)).toBe('2255-06-01 00:00:00.000000');
  });

  it('names the column and the value that cannot be decoded', () => {
    const bad: [Record<string, unknown>, string][] = [
      [
        { unit_price: 12.5 },
        'unit_price: must be an exact decimal string of at most 10 digits before the point and 2 after (got 12.5)',
      ],
      [{ quantity: 1.5 }, 'quantity: expected an integer, got number (got 1.5)'],
      [{ updated_at: '2024-12-05' }, 'updated_at: expected an integer, got string (got "2024-12-05")'],
      [{ active: 'yes' }, 'active: expected a boolean, got string (got "yes")'],
      [{ note: 7 }, 'note: expected string, got number (got 7)'],
      [{ attributes: 3 }, 'attributes: expected JSON text, an object or an array, got number (got 3)'],
      [{ id: null }, 'id is missing'],
    ];
    for (const [change, reason] of bad) {
      expect(() => decodeChange(event({ ...ROW, ...change }), SHAPE)).toThrow(reason);
    }
  });

  it('refuses what is not a change event, and reads deletes and tombstones', () => {
    expect(() => decodeChange(Buffer.from('{'), SHAPE)).toThrow(/^not JSON: /);
    expect(() =>
      decodeChange(Buffer.from(JSON.stringify({ op: 'c', after: [], before: null, source: SOURCE })), SHAPE),
    ).toThrow('not a Debezium change event: after expected an object of columns');
    expect(() => decodeChange(event(ROW, 'x'), SHAPE)).toThrow(/^not a Debezium change event: op /);
    const deleted = Buffer.from(
      JSON.stringify({ op: 'd', before: { id: '42' }, after: null, source: SOURCE }),
    );
    expect(decodeChange(deleted, SHAPE)).toMatchObject({ kind: 'delete', key: '42' });
    expect(decodeChange(null, SHAPE)).toEqual({ kind: 'tombstone' });
  });

  it.each([
    [{ unit_price: '12345678901.00' }, /^unit_price: must be an exact decimal string of at most 10 digits/],
    [{ unit_price: '1.005' }, /^unit_price: must be an exact decimal/],
    [{ quantity: 2 ** 31 }, /^quantity: must fit an integer/],
    [{ quantity: -(2 ** 31) - 1 }, /^quantity: must fit an integer/],
    [{ id: '9223372036854775808' }, /^id: must fit a bigint/],
    [{ note: 'a\u0000b' }, /^note: must not contain a NUL character/],
  ])('refuses %j, which the warehouse would refuse, as undecodable', (change, reason) => {
    expect(() => decodeChange(event({ ...ROW, ...change }), SHAPE)).toThrow(UndecodableChangeError);
    expect(() => decodeChange(event({ ...ROW, ...change }), SHAPE)).toThrow(reason);
  });

  it('keeps the extremes the warehouse holds', () => {
    const extremes = { id: '9223372036854775807', quantity: -(2 ** 31), unit_price: '-9999999999.99' };
    const decoded = decodeChange(event({ ...ROW, ...extremes }), SHAPE);
    expect(decoded.kind === 'upsert' && [decoded.key, decoded.fields[2], decoded.fields[3]]).toEqual([
      '9223372036854775807',
      '-2147483648',
      '-9999999999.99',
    ]);
  });
});
