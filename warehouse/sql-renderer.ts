import { join } from 'node:path';
import nunjucks from 'nunjucks';
import { REPO_ROOT } from '../core/paths.ts';

const SQL_DIR = join(REPO_ROOT, 'sql');

import { ident, literal } from './sql-quote.ts';
import { mirrorTable } from './staging-names.ts';

/**
 * dbt-style rendering of the SQL models in sql/: `source(db, table)` is a staging mirror (or, during a
 * first load, the batch that is about to become it: context `sources`),
 * `batch_of(db, table)` the rows this run extracted from it (an empty relation when the run did not
 * extract that table), `ref(model)` a warehouse table, `is_incremental()` false on a first load,
 * `var(name)` a run variable; `| lit` and `| ident` quote values and names.
 */
export function createSqlRenderer() {
  const env = new nunjucks.Environment(new nunjucks.FileSystemLoader(SQL_DIR, { noCache: false }), {
    autoescape: false,
    throwOnUndefined: true,
    trimBlocks: true,
    lstripBlocks: true,
  });
  env.addGlobal('ref', (model: string) => `dwh.${ident(model)}`);
  env.addFilter('lit', literal);
  env.addFilter('ident', ident);
  return {
    render(template: string, context: Record<string, unknown> = {}): string {
      const vars = (context.vars ?? {}) as Record<string, unknown>;
      const batches = (context.batches ?? {}) as Record<string, string>;
      const sources = (context.sources ?? {}) as Record<string, string>;
      return env.render(template, {
        ...context,
        source: (database: string, table: string) =>
          sources[`${database}.${table}`] ?? mirrorTable(database, table),
        batch_of: (database: string, table: string) =>
          batches[`${database}.${table}`] ??
          `(select * from ${mirrorTable(database, table)} where false) as ${ident(`${table}__none`)}`,
        is_incremental: () => context.incremental === true,
        var: (name: string) => {
          if (!(name in vars)) throw new Error(`${template}: var('${name}') is not set`);
          return vars[name];
        },
      });
    },
  };
}

export type SqlRenderer = ReturnType<typeof createSqlRenderer>;
