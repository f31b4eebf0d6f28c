import { expect } from 'vitest';
import { closedPort } from '../support/closed-port.ts';
import { etlTest } from '../support/fixtures.ts';
import { envFor, runCli } from './run-cli.ts';

etlTest(
  'a source database that cannot be reached is named with its setting and what to check, and nothing changes',
  async ({ scratch, deps }) => {
    const port = await closedPort();
    const run = await runCli(['etl', 'run', '--local'], {
      ...envFor(scratch.config),
      ORDERS_DB_URL: `mysql://techmarket:techmarket@127.0.0.1:${port}/orders`,
    });
    expect(run.code).toBe(1);
    expect(run.stderr).toContain(
      `the source database orders (ORDERS_DB_URL) at 127.0.0.1:${port} cannot be reached: ECONNREFUSED`,
    );
    expect(run.stderr).toContain('techmarket infra status');
    const { rows } = await deps.warehouse.query(
      `select (select count(*) from etl.watermarks)::int as watermarks,
              (select count(*) from dwh.fact_sales)::int as facts,
              (select count(*) from etl.runs where status = 'succeeded')::int as succeeded`,
    );
    expect(rows[0]).toEqual({ watermarks: 0, facts: 0, succeeded: 0 });
  },
);
