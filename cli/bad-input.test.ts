import { describe, expect, it } from 'vitest';
import { runCli } from '../tests/cli/run-cli.ts';
import { closedPort } from '../tests/support/closed-port.ts';

/**
 * A bad flag or a bad setting stops the command before it touches anything, with a message that
 * names the flag or the variable, and a non-zero exit code. These never reach a database: flags and
 * settings are checked first, so the shared demo databases are safe.
 */
// Each case is a process of its own that waits mostly on its start-up: a few at once.
describe.concurrent('bad input names itself and exits non-zero', () => {
  const cases: { args: string[]; env?: Record<string, string>; names: RegExp }[] = [
    { args: ['seed', '--scale', 'abc'], names: /--scale must be a positive number/ },
    { args: ['seed', '--scale', '0'], names: /--scale must be at least 0\.001/ },
    { args: ['seed'], names: /--scale is required/ },
    { args: ['seed', '--scale', '1', '--nope'], names: /--nope/ },
    { args: ['seed', '--scale', '1', '--anchor', '2025-02-30'], names: /--anchor is not a calendar day/ },
    { args: ['seed', '--scale', '1', '--anchor', '2999-01-01'], names: /--anchor must not be in the future/ },
    { args: ['seed', '--scale', '1', '--seed', 'a b'], names: /--seed must be/ },
    { args: ['seed', '--scale', '-1'], names: /--scale must be a positive number/ },
    {
      args: ['etl', 'backfill', '--from', '2026-13-01', '--to', '2026-01-02', '--local'],
      names: /--from is not a calendar day/,
    },
    {
      args: ['etl', 'backfill', '--from', '2026-01-03', '--to', '2026-01-02', '--local'],
      names: /--from must not be after --to/,
    },
    { args: ['etl', 'run', '--local', '--detach'], names: /--detach cannot be combined with --local/ },
    { args: ['dq', 'report', '--run', '1', '--etl-run', '2'], names: /--run give either --run or --etl-run/ },
    { args: ['worker', '--metrics-port', '-5'], names: /--metrics-port/ },
    { args: ['simulate', '--days', 'x'], names: /--days must be a whole number/ },
    { args: ['simulate', '--days', '0'], names: /--days must be at least 1/ },
    { args: ['simulate', '--days', '1', '--scale', '1'], names: /--scale/ },
    { args: ['seed', '--scale', '1'], env: { DWH_URL: 'nonsense' }, names: /DWH_URL is invalid/ },
    {
      args: ['simulate', '--days', '1'],
      env: { ORDERS_DB_URL: 'postgres://x/y' },
      names: /ORDERS_DB_URL is invalid/,
    },
  ];
  for (const { args, env, names } of cases) {
    it(`${Object.entries(env ?? {})
      .map(([k, v]) => `${k}=${v} `)
      .join('')}techmarket ${args.join(' ')}`, async () => {
      const run = await runCli(args, env);
      expect(run.code).not.toBe(0);
      expect(run.stderr).toMatch(names);
      expect(run.stderr.split('\n').length).toBeLessThanOrEqual(3); // one line and a hint, no stack trace
      expect(run.stdout).toBe('');
    });
  }

  it("derives each command's help from its flags, one line a flag", async () => {
    const run = await runCli(['etl', 'backfill', '--help']);
    expect(run.code).toBe(0);
    for (const flag of ['--from D', '--to D', '--tables a,b', '--local', '--detach', '--json']) {
      expect(run.stdout).toContain(`  ${flag} `);
    }
  });

  it('names the warehouse and its setting when nothing listens there', async () => {
    const port = await closedPort();
    const run = await runCli(['etl', 'status'], { DWH_URL: `postgres://u:p@127.0.0.1:${port}/dwh` });
    expect(run.code).toBe(1);
    expect(run.stderr).toContain(
      `the warehouse (DWH_URL) at 127.0.0.1:${port} cannot be reached: ECONNREFUSED`,
    );
    expect(run.stderr).toContain('techmarket infra status');
  });

  it('reports a bad setting as JSON under --json', async () => {
    const run = await runCli(['seed', '--scale', '1', '--json'], { DWH_URL: 'nonsense' });
    expect(run.code).not.toBe(0);
    expect(JSON.parse(run.stdout).error).toMatch(/DWH_URL/);
  });
});
