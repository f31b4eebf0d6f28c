import { describe, expect } from 'vitest';
import { readWatermark } from '../../warehouse/index.ts';
import { etlTest } from '../support/fixtures.ts';
import { seedSmallShop } from '../support/source-writer.ts';

const test = etlTest.extend<{ shop: Awaited<ReturnType<typeof seedSmallShop>> }>({
  shop: [async ({ writer }, use) => use(await seedSmallShop(writer)), { scope: 'file' }],
});
// tiny chunks: rows with escapes straddle chunk and page boundaries
test.scoped({ tuning: { pageRows: 5, chunkRows: 2, commitEveryRows: 3 } });

/**
 * The extract copies MySQL's wire bytes into COPY text without decoding them (CopyTextTranscoder):
 * every value must arrive in the warehouse exactly as the source holds it.
 */
describe('values arrive exactly as the source holds them', () => {
  const texts = [
    'tab\there',
    'new\nline',
    'carriage\r\nreturn',
    'back\\slash \\N \\t',
    '\\N',
    'NULL',
    '',
    'Пізній Клієнт — «лапки»',
    'emoji 🛒🇺🇦 and 中文',
    ' leading and trailing ',
    `${'long '.repeat(40)}\t${'x'.repeat(300)}`.slice(0, 200),
  ];

  test('keeps text with tabs, newlines, backslashes and unicode, NULLs, exact decimals and microseconds', async ({
    writer,
    deps,
    run,
    shop,
  }) => {
    expect(deps.tuning).toMatchObject({ pageRows: 5, chunkRows: 2, commitEveryRows: 3 });
    const ids: number[] = [];
    for (const [i, text] of texts.entries()) {
      ids.push(
        await writer.insert('orders', 'customers', {
          email: `fidelity${i}@x.ua`,
          full_name: text,
          phone: i % 2 === 0 ? null : text.slice(0, 32),
          city: i % 3 === 0 ? null : text.slice(0, 100),
          region_id: shop.regions[0],
          created_at: `2024-02-29 23:59:59.${String(100_000 + i * 7).padStart(6, '0')}`,
        }),
      );
    }
    const discounts = [
      { code: 'MAX', kind: 'fixed', value: '9999999999.99', active: true },
      { code: 'CENT', kind: 'fixed', value: '0.01', active: false },
      { code: 'ZERO', kind: 'percent', value: '0.00', active: true },
    ];
    for (const d of discounts) {
      await writer.insert('orders', 'discounts', { ...d, valid_from: '1999-12-31 23:59:59.999999' });
    }
    await run();

    const source = await writer.rows<Record<string, unknown>>(
      'orders',
      `SELECT id, full_name, phone, city, created_at, updated_at FROM customers WHERE id IN (?) ORDER BY id`,
      [ids],
    );
    const { rows: loaded } = await deps.warehouse.query(
      `select id::int as id, full_name, phone, city,
              to_char(created_at at time zone 'UTC', 'YYYY-MM-DD HH24:MI:SS.US') as created_at,
              to_char(updated_at at time zone 'UTC', 'YYYY-MM-DD HH24:MI:SS.US') as updated_at
       from stg.orders__customers where id = any($1) order by id`,
      [ids],
    );
    expect(loaded).toEqual(source.map((r) => ({ ...r, id: Number(r.id) })));
    expect(loaded.map((r) => r.full_name)).toEqual(texts);

    const { rows: money } = await deps.warehouse.query(
      `select code, value::text as value, active,
              to_char(valid_from at time zone 'UTC', 'YYYY-MM-DD HH24:MI:SS.US') as valid_from
       from stg.orders__discounts where code = any($1) order by code`,
      [discounts.map((d) => d.code)],
    );
    expect(money).toEqual(
      [...discounts]
        .sort((a, b) => a.code.localeCompare(b.code))
        .map((d) => ({
          code: d.code,
          value: d.value,
          active: d.active,
          valid_from: '1999-12-31 23:59:59.999999',
        })),
    );
  });

  test('refuses a text value with a NUL byte, naming it, and changes nothing', async ({
    writer,
    deps,
    run,
    shop,
  }) => {
    const before = await readWatermark(deps.warehouse, 'orders.customers');
    const count = async () =>
      (await deps.warehouse.query('select count(*)::int as n from stg.orders__customers')).rows[0].n;
    const rowsBefore = await count();
    await writer.insert('orders', 'customers', {
      email: 'nul@x.ua',
      full_name: 'before\0after',
      region_id: shop.regions[0],
    });
    await expect(run()).rejects.toThrow(/NUL byte/);
    expect(await readWatermark(deps.warehouse, 'orders.customers')).toEqual(before);
    expect(await count()).toBe(rowsBefore);
    await writer.exec('orders', "DELETE FROM customers WHERE email = 'nul@x.ua'");
  });
});
