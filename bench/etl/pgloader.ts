import { existsSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { type Config, etlSourceUrl, type SourceDatabase } from '../../core/config.ts';
import { exec } from '../../core/exec.ts';
import { aptInstall } from '../../ops/infra/apt.ts';
import type { SourceTable } from '../../pipeline/index.ts';
import { timedPhase } from '../machine-cpu.ts';

/**
 * What a user would pick instead: pgloader (Debian's package) copying the same tables into a database
 * of its own, creating tables but no indexes or foreign keys — its plain copy. (pgloader 3.6 cannot
 * read MariaDB's `current_timestamp(6)` defaults, so datetime columns are cast without defaults.)
 */
export async function pgloaderCopy(
  config: Config,
  tables: readonly SourceTable[],
  expectedRows: number,
): Promise<{ rows: number; seconds: number; coreSeconds: number }> {
  if (!existsSync('/usr/bin/pgloader'))
    await aptInstall(['pgloader'], (line) => process.stderr.write(`${line}\n`));
  const target = new URL(config.DWH_URL);
  const database = `${target.pathname.slice(1)}_pgloader`;
  const admin = new pg.Client({ connectionString: config.DWH_URL });
  await admin.connect();
  await admin.query(`drop database if exists ${database} with (force)`);
  await admin.query(`create database ${database}`);
  target.pathname = `/${database}`;
  const dir = mkdtempSync(join(tmpdir(), 'pgloader-'));
  const byDatabase = new Map<SourceDatabase, string[]>();
  for (const t of tables) byDatabase.set(t.database, [...(byDatabase.get(t.database) ?? []), t.table]);
  const { seconds, coreSeconds } = await timedPhase(async () => {
    for (const [db, names] of byDatabase) {
      const source = etlSourceUrl(config, db);
      const file = join(dir, `${db}.load`);
      writeFileSync(
        file,
        `LOAD DATABASE
  FROM ${source}
  INTO ${target.toString()}
WITH include drop, create tables, create no indexes, no foreign keys, reset no sequences, workers = 4, concurrency = 1
CAST type datetime to timestamptz drop default drop not null using zero-dates-to-null
INCLUDING ONLY TABLE NAMES MATCHING ${names.map((n) => `'${n}'`).join(', ')};
`,
      );
      await exec('pgloader', ['--quiet', file]);
    }
  });
  const loaded = new pg.Client({ connectionString: target.toString() });
  await loaded.connect();
  let rows = 0;
  for (const t of tables) {
    const { rows: found } = await loaded.query(
      `select format('%I.%I', table_schema, table_name) as name from information_schema.tables where table_name = $1 and table_schema <> 'stg' limit 1`,
      [t.table],
    );
    if (found[0])
      rows += Number((await loaded.query(`select count(*)::int as n from ${found[0].name}`)).rows[0].n);
  }
  await loaded.end();
  // pgloader exits 0 even when it could not create a table: trust only the rows that arrived.
  if (rows !== expectedRows)
    throw new Error(
      `pgloader loaded ${rows} rows of ${expectedRows}; rerun it by hand on ${dir}/*.load to see why`,
    );
  await admin.query(`drop database if exists ${database} with (force)`);
  await admin.end();
  return { rows, seconds, coreSeconds };
}
