import { describe, expect, it } from 'vitest';
import { type CdcTableShape, decodeChange, UndecodableChangeError } from './debezium-envelope.ts';

const shape: CdcTableShape = {
  primaryKey: 'id',
  cursorColumn: 'updated_at',
  columns: [
    { name: 'id', type: 'bigint' },
    { name: 'updated_at', type: 'datetime' },
    { name: 'total_amount', type: 'decimal' },
    { name: 'quantity', type: 'integer' },
    { name: 'city', type: 'text' },
  ],
};
const source = { db: 'orders', table: 'orders', ts_ms: 1_796_000_000_000 };
const event = (after: Record<string, unknown>) =>
  Buffer.from(
    JSON.stringify({
      op: 'c',
      before: null,
      after: { id: 7, updated_at: 1_796_000_000_000_000, ...after },
      source,
    }),
  );

describe('decoding a Debezium change event', () => {
  it('turns a row into COPY fields', () => {
    const change = decodeChange(event({ total_amount: '9999999999.99', quantity: 3, city: 'Київ' }), shape);
    expect(change).toMatchObject({
      kind: 'upsert',
      key: '7',
      fields: ['7', '2026-11-30 00:53:20.000000', '9999999999.99', '3', 'Київ'],
    });
  });

  it.each([
    [
      { total_amount: '12345678901.00' },
      /^total_amount: must be an exact decimal string of at most 10 digits/,
    ],
    [{ total_amount: '1.005' }, /^total_amount: must be an exact decimal/],
    [{ quantity: 2 ** 31 }, /^quantity: must fit an integer/],
    [{ id: '9223372036854775808' }, /^id: must fit a bigint/],
    [{ city: 'a\u0000b' }, /^city: must not contain a NUL character/],
  ])('refuses %j, which the warehouse would refuse, as undecodable', (after, reason) => {
    expect(() => decodeChange(event(after), shape)).toThrow(UndecodableChangeError);
    expect(() => decodeChange(event(after), shape)).toThrow(reason);
  });
});
