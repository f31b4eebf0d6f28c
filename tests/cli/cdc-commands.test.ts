import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { expect } from 'vitest';
import { REPO_ROOT } from '../../core/paths.ts';
import { selectSourceTables } from '../../pipeline/index.ts';
import { dropCdcLeftovers } from '../cdc/cdc-support.ts';
import { etlTest } from '../support/fixtures.ts';
import { waitUntil } from '../support/wait-until.ts';
import { envFor, runCli } from './run-cli.ts';

/**
 * `techmarket cdc …` as an operator runs it, against the real Kafka Connect, Kafka and a scratch
 * warehouse: what each verb prints and returns, and bad input named before anything changes.
 */
const CUSTOMERS = selectSourceTables(['orders.customers']);

etlTest('cdc status: every table on the watermark path, no consumer, no connector', async ({ scratch }) => {
  const run = await runCli(['cdc', 'status', '--json'], envFor(scratch.config));
  expect(run.code).toBe(0);
  const status = JSON.parse(run.stdout) as {
    consumerRunning: boolean;
    deadLetterTopic: string;
    tables: { table: string; path: string; connector: string; events_applied: number; last_error: null }[];
  };
  expect(status.consumerRunning).toBe(false);
  expect(status.deadLetterTopic).toMatch(/^techmarket-cdc-dead-letter-dwh_/);
  expect(status.tables.map((t) => t.table)).toContain('orders.customers');
  for (const table of status.tables) {
    expect(table).toMatchObject({ path: 'watermark', connector: 'NOT REGISTERED', events_applied: 0 });
  }
  const text = await runCli(['cdc', 'status'], envFor(scratch.config));
  expect(text.stdout).toMatch(/^consumer not running \(group techmarket-cdc-dwh_/);
});

etlTest('bad cdc input is named, exits non-zero and changes nothing', async ({ scratch, deps }) => {
  const env = envFor(scratch.config);
  const cases: [string[], RegExp][] = [
    [['cdc', 'switch', '--to', 'cdc'], /--table is required/],
    [
      ['cdc', 'switch', '--table', 'orders.customers', '--to', 'sideways'],
      /--to must be 'cdc' or 'watermark'/,
    ],
    [['cdc', 'switch', '--table', 'orders.nope', '--to', 'cdc'], /orders\.nope/],
    [['cdc', 'connectors', 'status', '--tables', 'nope'], /nope/],
    [['cdc', 'start', '--max-batch', '0'], /--max-batch/],
    [['cdc', 'start', '--metrics-port', '70000'], /--metrics-port/],
  ];
  for (const [args, names] of cases) {
    const run = await runCli(args, env);
    expect(run.code, args.join(' ')).not.toBe(0);
    expect(run.stderr, args.join(' ')).toMatch(names);
    expect(run.stderr.split('\n').length, args.join(' ')).toBeLessThanOrEqual(3);
  }
  const { rows } = await deps.warehouse.query('select count(*)::int as n from etl.table_modes');
  expect(rows[0]).toEqual({ n: 0 });
});

etlTest(
  'cdc start serves its metrics, a second consumer is refused, SIGTERM stops the first cleanly',
  async ({ scratch }) => {
    const env = { ...process.env, LOG_LEVEL: 'warn', ...envFor(scratch.config) };
    const first = spawn(
      process.execPath,
      [join(REPO_ROOT, 'bin/techmarket.js'), 'cdc', 'start', '--metrics-port', '0', '--json'],
      { cwd: REPO_ROOT, env, stdio: ['ignore', 'pipe', 'pipe'] },
    );
    let stdout = '';
    first.stdout.on('data', (chunk) => (stdout += chunk));
    const exited = new Promise<number | null>((resolve) => first.on('close', resolve));
    try {
      const announced = /"metrics":\s*"(http:\/\/127\.0\.0\.1:\d+\/metrics)"/;
      await waitUntil('the consumer to start', () => announced.test(stdout), 60);
      const metrics = announced.exec(stdout)![1]!;
      const served = await (await fetch(metrics)).text();
      expect(served).toContain('techmarket_cdc_batches_total');
      await waitUntil('the consumer lock', async () => {
        const status = await runCli(['cdc', 'status', '--json'], envFor(scratch.config));
        return (JSON.parse(status.stdout) as { consumerRunning: boolean }).consumerRunning;
      });

      const second = await runCli(['cdc', 'start', '--metrics-port', '0'], envFor(scratch.config));
      expect(second.code).toBe(1);
      expect(second.stderr).toContain('another CDC consumer is applying to this warehouse');
    } finally {
      first.kill('SIGTERM');
    }
    expect(await exited).toBe(0);
    await dropCdcLeftovers(scratch.config, []); // the dead-letter topic the consumer made
    const after = await runCli(['cdc', 'status', '--json'], envFor(scratch.config));
    expect((JSON.parse(after.stdout) as { consumerRunning: boolean }).consumerRunning).toBe(false);
  },
);

etlTest(
  'cdc connectors register, status and remove a table’s Debezium connector',
  async ({ scratch }) => {
    const env = envFor(scratch.config);
    try {
      const registered = await runCli(
        ['cdc', 'connectors', 'register', '--tables', 'orders.customers', '--json'],
        env,
      );
      expect(registered.stderr).toBe('');
      expect(registered.code).toBe(0);
      const [connector] = JSON.parse(registered.stdout) as { table: string; connector: string }[];
      expect(connector).toMatchObject({ table: 'orders.customers' });
      expect(connector!.connector).toMatch(/^techmarket-cdc-orders_/);

      let state = '';
      await waitUntil('the connector to run', async () => {
        const status = await runCli(
          ['cdc', 'connectors', 'status', '--tables', 'orders.customers', '--json'],
          env,
        );
        state = (JSON.parse(status.stdout) as { state: string }[])[0]!.state;
        return state === 'RUNNING';
      });

      const removed = await runCli(
        ['cdc', 'connectors', 'remove', '--tables', 'orders.customers', '--json'],
        env,
      );
      expect(removed.code).toBe(0);
      expect(JSON.parse(removed.stdout)).toEqual([{ table: 'orders.customers', removed: true }]);
      const gone = await runCli(
        ['cdc', 'connectors', 'status', '--tables', 'orders.customers', '--json'],
        env,
      );
      expect((JSON.parse(gone.stdout) as { state: string }[])[0]!.state).toBe('NOT REGISTERED');
      const again = await runCli(
        ['cdc', 'connectors', 'remove', '--tables', 'orders.customers', '--json'],
        env,
      );
      expect(JSON.parse(again.stdout)).toEqual([{ table: 'orders.customers', removed: false }]);
    } finally {
      await dropCdcLeftovers(scratch.config, CUSTOMERS);
    }
  },
  180_000,
);
