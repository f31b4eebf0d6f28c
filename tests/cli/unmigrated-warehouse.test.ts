import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../core/config.ts';
import { runCli } from './run-cli.ts';

/** Runs `sql` on a connection of its own, closed at once: nothing stays connected between steps. */
async function runOnce(url: string, sql: string): Promise<pg.QueryResult> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return await client.query(sql);
  } finally {
    await client.end();
  }
}

/** An empty database of the warehouse's server, as after `createdb` but before `db migrate`. */
describe('a warehouse that was never migrated', () => {
  const name = `tm_unmigrated_${process.pid}`;
  const serverUrl = loadConfig().DWH_URL;
  const emptyUrl = Object.assign(new URL(serverUrl), { pathname: `/${name}` }).toString();

  beforeAll(async () => {
    await runOnce(serverUrl, `drop database if exists ${name}`);
    await runOnce(serverUrl, `create database ${name}`);
  });
  afterAll(async () => {
    await runOnce(serverUrl, `drop database if exists ${name} with (force)`);
  });

  it.each([
    [['etl', 'status'], 'etl.runs'],
    [['dq', 'report'], 'dq.results'],
  ])(
    'techmarket %s names the missing table, says to run db migrate, and creates nothing',
    async (args, table) => {
      const run = await runCli(args, { DWH_URL: emptyUrl });
      expect(run.code).toBe(1);
      expect(run.stderr).toContain(`the warehouse (DWH_URL) has no ${table}: its schema is not migrated`);
      expect(run.stderr).toContain('run techmarket db migrate');
      const { rows } = await runOnce(
        emptyUrl,
        `select count(*)::int as n from information_schema.tables where table_schema not in ('pg_catalog', 'information_schema')`,
      );
      expect(rows[0].n).toBe(0);
    },
  );
});
