import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SOURCE_DATABASES } from '../../core/config.ts';
import { REPO_ROOT } from '../../core/paths.ts';
import { createScratch, type Scratch } from '../support/scratch.ts';
import { parseDbml } from './helpers/dbml-parser.ts';
import { openSources, rows, serviceTableNames } from './helpers/source-queries.ts';

/** The server's column_type for each DBML type the docs use (MariaDB and MySQL 8 spellings). */
function sameType(dbml: string, server: string, isJson: boolean): boolean {
  if (dbml === 'json') return isJson;
  if (dbml === 'bigint') return /^bigint(\(20\))?$/.test(server);
  if (dbml === 'integer') return /^int(\(11\))?$/.test(server);
  if (dbml === 'boolean') return server === 'tinyint(1)';
  return dbml === server;
}

let scratch: Scratch;
beforeAll(async () => {
  scratch = await createScratch();
});
afterAll(async () => {
  await scratch?.drop();
});

describe('docs/db/*.dbml', () => {
  for (const db of SOURCE_DATABASES) {
    it(`${db}.dbml matches what the migrations create`, async () => {
      const doc = parseDbml(readFileSync(join(REPO_ROOT, 'docs/db', `${db}.dbml`), 'utf8'));
      const sources = openSources(scratch.config);
      try {
        const pool = sources[db];
        expect(doc.tables.map((t) => t.name).sort()).toEqual((await serviceTableNames(pool)).sort());
        for (const table of doc.tables) {
          const columns = await rows<{ name: string; type: string; nullable: string; key: string }>(
            pool,
            `select column_name as name, column_type as type, is_nullable as nullable, column_key as \`key\`
               from information_schema.columns where table_schema = database() and table_name = ?
              order by ordinal_position`,
            [table.name],
          );
          const checks = await rows<{ clause: string }>(
            pool,
            `select check_clause as clause from information_schema.check_constraints
              where constraint_schema = database() and table_name = ?`,
            [table.name],
          );
          expect(
            table.columns.map((c) => c.name),
            table.name,
          ).toEqual(columns.map((c) => c.name));
          for (const [i, column] of table.columns.entries()) {
            const live = columns[i]!;
            const where = `${db}.${table.name}.${column.name}`;
            const isJson =
              live.type === 'json' || checks.some((c) => c.clause.includes(`json_valid(\`${live.name}\`)`));
            expect(sameType(column.type, live.type, isJson), `${where}: ${column.type} vs ${live.type}`).toBe(
              true,
            );
            expect(column.notNull || column.pk, `${where} not null`).toBe(live.nullable === 'NO');
            expect(column.pk, `${where} pk`).toBe(live.key === 'PRI');
          }
          const indexes = await rows<{ name: string; columns: string; nonUnique: number }>(
            pool,
            `select index_name as name, group_concat(column_name order by seq_in_index) as columns,
                    max(non_unique) as nonUnique
               from information_schema.statistics where table_schema = database() and table_name = ?
                and index_name <> 'PRIMARY' group by index_name`,
            [table.name],
          );
          const documented = [
            ...table.indexes.map((ix) => `${ix.columns.join(',')}${ix.unique ? ' unique' : ''}`),
            ...table.columns.filter((c) => c.unique).map((c) => `${c.name} unique`),
          ].sort();
          const live = indexes
            .map((ix) => `${ix.columns}${Number(ix.nonUnique) === 0 ? ' unique' : ''}`)
            .sort();
          expect(documented, `${db}.${table.name} indexes`).toEqual(live);
        }
        const foreignKeys = await rows<{ ref: string }>(
          pool,
          `select concat(table_name, '.', column_name, ' > ', referenced_table_name, '.', referenced_column_name) as ref
             from information_schema.key_column_usage
            where table_schema = database() and referenced_table_name is not null`,
        );
        expect([...doc.refs].sort()).toEqual(foreignKeys.map((f) => f.ref).sort());
      } finally {
        await sources.end();
      }
    });
  }
});
