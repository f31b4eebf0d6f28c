import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SOURCE_DATABASES, sourceUrl } from '../../core/config.ts';
import { migrateSourceDatabase } from '../../services/source-migrations.ts';
import { createScratch, type Scratch } from '../support/scratch.ts';
import { openSources, rows, serviceTableNames } from './helpers/source-queries.ts';

let scratch: Scratch;

beforeAll(async () => {
  scratch = await createScratch({ migrate: false });
});
afterAll(async () => {
  await scratch?.drop();
});

describe('source migrations', () => {
  it('apply to empty databases, then a second run is a no-op', async () => {
    for (const db of SOURCE_DATABASES) {
      const first = await migrateSourceDatabase(db, sourceUrl(scratch.config, db));
      expect(first.applied.length, db).toBeGreaterThan(0);
    }
    for (const db of SOURCE_DATABASES) {
      const second = await migrateSourceDatabase(db, sourceUrl(scratch.config, db));
      expect(second.applied, db).toEqual([]);
    }
  });

  it('give every table the DESIGN 3.2 columns and the (updated_at, id) index', async () => {
    const sources = openSources(scratch.config);
    try {
      for (const db of SOURCE_DATABASES) {
        const tables = await serviceTableNames(sources[db]);
        expect(tables.length, db).toBeGreaterThan(0);
        for (const table of tables) {
          const columns = await rows<{ name: string; type: string; extra: string; key: string }>(
            sources[db],
            `select column_name as name, column_type as type, extra, column_key as \`key\`
               from information_schema.columns where table_schema = database() and table_name = ?`,
            [table],
          );
          const byName = new Map(columns.map((c) => [c.name, c]));
          expect(byName.get('id')?.type, `${db}.${table}.id`).toMatch(/^bigint/);
          expect(byName.get('id')?.key, `${db}.${table}.id`).toBe('PRI');
          expect(byName.get('created_at')?.type, `${db}.${table}.created_at`).toBe('datetime(6)');
          expect(byName.get('updated_at')?.type, `${db}.${table}.updated_at`).toBe('datetime(6)');
          expect(byName.get('updated_at')?.extra.toLowerCase(), `${db}.${table}.updated_at`).toContain(
            'on update current_timestamp(6)',
          );
          for (const column of columns.filter((c) => /amount|price|^value$/.test(c.name))) {
            expect(column.type, `${db}.${table}.${column.name}`).toBe('decimal(12,2)');
          }
          const index = await rows<{ columns: string }>(
            sources[db],
            `select group_concat(column_name order by seq_in_index) as columns from information_schema.statistics
              where table_schema = database() and table_name = ? group by index_name
              having columns = 'updated_at,id'`,
            [table],
          );
          expect(index.length, `${db}.${table} (updated_at, id) index`).toBe(1);
        }
      }
    } finally {
      await sources.end();
    }
  });
});
