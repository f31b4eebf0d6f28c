import type { PoolConnection } from 'mysql2';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sourceUrl } from '../../core/config.ts';
import { createMysqlPool } from '../../core/mysql-pool.ts';
import { LoadDataLoader } from '../../demo/writer/load-data-loader.ts';
import { createScratch, type Scratch } from '../support/scratch.ts';

let scratch: Scratch;
let pool: ReturnType<typeof createMysqlPool>;

beforeAll(async () => {
  scratch = await createScratch();
  pool = createMysqlPool(sourceUrl(scratch.config, 'orders'), { connectionLimit: 2 });
});
afterAll(async () => {
  await new Promise((resolve) => pool.end(resolve));
  await scratch?.drop();
});

const connection = () =>
  new Promise<PoolConnection>((resolve, reject) =>
    pool.getConnection((e, c) => (e ? reject(e) : resolve(c))),
  );
const REGION = { table: 'regions', columns: ['id', 'created_at', 'updated_at', 'code', 'name'] };
const AT = '2025-01-01 00:00:00.123456';

describe('LOAD DATA loader', () => {
  it('stores awkward text byte for byte, across several statements', async () => {
    const names = [
      "Кам'янське",
      'Демʼяненко',
      'O\'Brien "Jr"',
      'C:\\Drivers\\',
      'tab\there',
      'two\nlines',
      '\\N',
      'Ї',
    ];
    const conn = await connection();
    const loader = new LoadDataLoader(conn, REGION, () => undefined, 3);
    names.forEach((name, i) => {
      loader.push([i + 1, AT, AT, `UA-T${i}`, name]);
    });
    expect(await loader.finish()).toBe(names.length);
    conn.release();
    const [rows] = await pool.promise().query('select name, created_at from regions order by id');
    expect((rows as { name: string }[]).map((r) => r.name)).toEqual(names);
    expect((rows as { created_at: string }[])[0]!.created_at).toBe(AT);
  });

  it('fails, naming the table, when the server skips a row instead of storing it', async () => {
    const conn = await connection();
    const loader = new LoadDataLoader(conn, REGION, () => undefined);
    loader.push([1, AT, AT, 'UA-DUP', 'duplicate id']);
    await expect(loader.finish()).rejects.toThrow(/loading regions: 0 of 1 rows stored/);
    conn.release();
  });
});
