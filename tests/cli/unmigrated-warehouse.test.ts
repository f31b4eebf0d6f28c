import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../core/config.ts';
import { runCli } from './run-cli.ts';

/** An empty database of the warehouse's server, as after `createdb` but before `db migrate`. */
describe('a warehouse that was never migrated', () => {
  const name = `tm_unmigrated_${process.pid}`;
  const server = new URL(loadConfig().DWH_URL);
  const admin = new pg.Pool({ connectionString: server.toString(), max: 1 });
  const emptyUrl = Object.assign(new URL(server), { pathname: `/${name}` }).toString();

  beforeAll(async () => {
    await admin.query(`drop database if exists ${name}`);
    await admin.query(`create database ${name}`);
  });
  afterAll(async () => {
    await admin.query(`drop database if exists ${name} with (force)`);
    await admin.end();
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
      const empty = new pg.Pool({ connectionString: emptyUrl, max: 1 });
      try {
        const { rows } = await empty.query(
          `select count(*)::int as n from information_schema.tables where table_schema not in ('pg_catalog', 'information_schema')`,
        );
        expect(rows[0].n).toBe(0);
      } finally {
        await empty.end();
      }
    },
  );
});
