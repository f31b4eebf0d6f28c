import { type Config, etlSourceUrl } from '../../core/config.ts';
import { exec } from '../../core/exec.ts';
import { mapBounded, type SourceTable } from '../../pipeline/index.ts';
import { COLUMN_TYPES, createSqlRenderer, createWarehousePool, ident } from '../../warehouse/index.ts';
import { timedPhase } from '../machine-cpu.ts';

const keyedTable = (t: SourceTable) => `stg.${ident(`raw__${t.database}__${t.table}__keyed`)}`;

/** Quotes a word for bash. */
const shellQuote = (text: string) => `'${text.replaceAll("'", `'\\''`)}'`;

/**
 * `keyed`: the physical chain a re-read is measured against (issue 18): after the pipe, each batch goes
 * into an empty table with its primary key by one INSERT, timed with the pipe.
 */
export interface RawPipeOptions {
  keyed?: boolean;
}

/**
 * The practical limit for extract+load (../shared/BENCHMARKS.md): `mariadb --batch --quick … |
 * psql -c "COPY … FROM STDIN"` per table into unlogged tables shaped like our batch tables, with the
 * same parallelism as our extract so the two are measured under the same conditions.
 */
export async function rawPipe(
  config: Config,
  tables: readonly SourceTable[],
  parallelism: number,
  { keyed = false }: RawPipeOptions = {},
): Promise<{ rows: number; seconds: number; coreSeconds: number }> {
  const renderer = createSqlRenderer();
  const pool = createWarehousePool(config.DWH_URL, { max: parallelism });
  const targets = new Map<SourceTable, string>();
  for (const t of tables) {
    const target = `stg.${ident(`raw__${t.database}__${t.table}`)}`;
    await pool.query(`drop table if exists ${target}`);
    await pool.query(
      renderer.render('staging/create_batch_table.sql', {
        batch: target,
        columns: t.columns.map((c) => ({ name: c.name, pgType: COLUMN_TYPES[c.type] })),
        primaryKey: t.primaryKey,
      }),
    );
    targets.set(t, target);
    if (keyed) {
      await pool.query(`drop table if exists ${keyedTable(t)}`);
      await pool.query(
        `create table ${keyedTable(t)} (like ${target}, primary key (${ident(t.primaryKey)}))`,
      );
    }
  }
  const { seconds, coreSeconds } = await timedPhase(() =>
    mapBounded(tables, parallelism, async (t) => {
      const source = new URL(etlSourceUrl(config, t.database));
      const select = `SELECT ${t.columns.map((c) => `\`${c.name}\``).join(', ')} FROM \`${t.table}\``;
      const mariadb = [
        'mariadb --batch --quick --skip-column-names',
        `-h ${source.hostname} -P ${source.port || 3306}`,
        `-u ${decodeURIComponent(source.username)}`,
        `${source.pathname.slice(1)}`,
        `-e ${shellQuote(select)}`,
      ].join(' ');
      const copy = `psql ${shellQuote(config.DWH_URL)} -v ON_ERROR_STOP=1 -qc ${shellQuote(`COPY ${targets.get(t)} FROM STDIN WITH (NULL 'NULL')`)}`;
      await exec('bash', ['-c', `set -o pipefail; ${mariadb} | ${copy}`], {
        env: { ...process.env, MYSQL_PWD: decodeURIComponent(source.password) },
      });
      if (keyed) await pool.query(`insert into ${keyedTable(t)} select * from ${targets.get(t)}`);
    }),
  );
  let rows = 0;
  for (const [t, target] of targets) {
    rows += Number((await pool.query(`select count(*)::int as n from ${target}`)).rows[0].n);
    await pool.query(`drop table ${target}`);
    if (keyed) await pool.query(`drop table ${keyedTable(t)}`);
  }
  await pool.end();
  return { rows, seconds, coreSeconds };
}
