import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createScratch, type Scratch } from '../support/scratch.ts';

/** Issue 16: BI tools show a description for every view and column, and every view runs as its reader. */
describe('the bi views', () => {
  let scratch: Scratch;
  let db: pg.Pool;

  beforeAll(async () => {
    scratch = await createScratch();
    db = new pg.Pool({ connectionString: scratch.config.DWH_URL, max: 1 });
  });
  afterAll(async () => {
    await db.end();
    await scratch.drop();
  });

  it('are all security_invoker, and every view and column has a comment', async () => {
    const { rows: views } = await db.query(
      `select c.relname, coalesce(c.reloptions, '{}') as options, obj_description(c.oid, 'pg_class') as comment
       from pg_class c join pg_namespace n on n.oid = c.relnamespace
       where n.nspname = 'bi' and c.relkind = 'v' order by 1`,
    );
    expect(views.length).toBeGreaterThanOrEqual(12);
    for (const v of views) {
      expect([v.relname, v.options]).toEqual([v.relname, ['security_invoker=true']]);
      expect(v.comment, v.relname).toBeTruthy();
    }
    const { rows: uncommented } = await db.query(
      `select c.relname, a.attname from pg_attribute a
       join pg_class c on c.oid = a.attrelid join pg_namespace n on n.oid = c.relnamespace
       where n.nspname in ('bi', 'dwh') and c.relkind in ('v', 'r') and a.attnum > 0 and not a.attisdropped
         and col_description(c.oid, a.attnum) is null`,
    );
    expect(uncommented).toEqual([]);
  });
});
