import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startLogShipping, stopLogShipping } from '../../core/log-shipping.ts';
import { logger } from '../../core/logger.ts';
import { createService, serviceSettings } from '../../services/shared/index.ts';
import { envFor, runCli } from '../cli/run-cli.ts';
import { shopWithOrders } from '../dq/dq-test-kit.ts';
import { createScratch, type Scratch } from '../support/scratch.ts';
import { SourceWriter } from '../support/source-writer.ts';
import { kill, printedJson, startTechmarket, type TechmarketProcess } from '../support/techmarket-process.ts';

const LOG_STORE = 'http://127.0.0.1:9200';

interface Line {
  time: string;
  level: number;
  msg: string;
  process?: string;
  activity?: string;
  etlRunId?: string | number;
  workflowId?: string;
}

describe('the log store', () => {
  let scratch: Scratch;
  let writer: SourceWriter;
  let worker: TechmarketProcess | undefined;
  let env: Record<string, string>;
  let index: string;

  const logs = async (args: string[]): Promise<Line[]> => {
    const result = await runCli(['logs', ...args, '--json'], env);
    expect(result.code, result.stderr + result.stdout).toBe(0);
    return JSON.parse(result.stdout) as Line[];
  };
  /** Lines are searchable about a second after their process flushed them; waits for `ready`. */
  const logsWhen = async (args: string[], ready: (lines: Line[]) => boolean): Promise<Line[]> => {
    const deadline = Date.now() + 30_000;
    let lines = await logs(args);
    while (!ready(lines) && Date.now() < deadline) {
      await new Promise((r) => setTimeout(r, 1000));
      lines = await logs(args);
    }
    return lines;
  };

  beforeAll(async () => {
    scratch = await createScratch();
    writer = new SourceWriter(scratch.config);
    await shopWithOrders(writer);
    index = `techmarket-logs-test-${scratch.suffix}`;
    env = {
      ...envFor(scratch.config),
      LOG_STORE_URL: LOG_STORE,
      LOG_STORE_INDEX: index,
      LOG_LEVEL: 'info',
      TEMPORAL_TASK_QUEUE: `etl-logs-${scratch.suffix}`,
    };
    worker = startTechmarket(['worker', '--json', '--metrics-port', '0', '--sdk-metrics-port', '0'], {
      ...process.env,
      ...env,
    });
    // The worker prints where its metrics are once it polls.
    await printedJson(worker);
  });
  afterAll(async () => {
    await kill(worker, 'SIGTERM');
    await fetch(`${LOG_STORE}/${index}-*`, { method: 'DELETE' });
    await writer?.close();
    await scratch?.drop();
  });

  it('techmarket logs --run ID returns the lines of that run from the CLI, the worker and its activities, and nothing else', async () => {
    const throughTemporal = await runCli(['etl', 'run', '--json'], env);
    expect(throughTemporal.code, throughTemporal.stderr).toBe(0);
    const runA = (JSON.parse(throughTemporal.stdout) as { runId: number }).runId;
    const local = await runCli(['etl', 'run', '--local', '--json'], env);
    expect(local.code, local.stderr).toBe(0);
    const runB = (JSON.parse(local.stdout) as { runId: number }).runId;
    expect(runB).not.toBe(runA);
    const client = new pg.Client({ connectionString: scratch.config.DWH_URL });
    await client.connect();
    const workflowId = (await client.query('select workflow_id from etl.runs where run_id = $1', [runA]))
      .rows[0]?.workflow_id as string;
    await client.end();
    expect(workflowId).toMatch(/^etl-daily-/);

    const linesA = await logsWhen(
      ['--run', String(runA)],
      (lines) =>
        lines.some((l) => l.process === 'cli' && l.msg === 'pipeline run succeeded') &&
        lines.some((l) => l.activity === 'finishPipelineRun'),
    );
    expect([...new Set(linesA.map((l) => l.process))].sort()).toEqual(['cli', 'worker']);
    const activities = new Set(linesA.map((l) => l.activity).filter(Boolean));
    for (const activity of ['beginPipelineRun', 'extractSourceTables', 'finishPipelineRun'])
      expect(activities, activity).toContain(activity);
    // Each line names run A, or run A's workflow within its time and no run.
    for (const line of linesA) {
      if (line.etlRunId !== undefined) expect(String(line.etlRunId), line.msg).toBe(String(runA));
      else expect(line.workflowId, line.msg).toBe(workflowId);
    }

    const linesB = await logsWhen(['--run', String(runB)], (lines) =>
      lines.some((l) => l.msg === 'pipeline run succeeded'),
    );
    expect(linesB.map((l) => l.msg)).toContain('pipeline run began');
    expect(linesB.map((l) => l.msg)).toContain('extracted');
    expect(linesB.every((l) => String(l.etlRunId) === String(runB) && l.process === 'cli')).toBe(true);

    // --level keeps only lines at that level or above; --since finds both runs' lines.
    expect(await logs(['--run', String(runA), '--level', 'error'])).toEqual([]);
    const recent = await logs(['--since', '10m']);
    expect(new Set(recent.map((l) => String(l.etlRunId)))).toEqual(
      new Set([String(runA), String(runB), 'undefined']),
    );
  });

  it('techmarket logs --request ID returns one request’s lines from a service, and nothing else', async () => {
    const settings = serviceSettings.parse({ LOG_STORE_URL: LOG_STORE, LOG_STORE_INDEX: index });
    const app = await createService({
      name: 'probe',
      description: 'a service of the shared kit',
      settings,
      checkReady: async () => {},
      withoutDocs: true,
    });
    app.get('/things/:id', async (request) => {
      request.log.info(
        { thing: (request.params as { id: string }).id, password: 'pw-123' },
        'thing looked up',
      );
      return { ok: true };
    });
    const requestId = `req-${randomBytes(4).toString('hex')}`;
    expect((await app.inject({ url: '/things/7', headers: { 'x-request-id': requestId } })).statusCode).toBe(
      200,
    );
    expect(
      (await app.inject({ url: '/things/8', headers: { 'x-request-id': `${requestId}-other` } })).statusCode,
    ).toBe(200);
    await app.close();
    const lines = await logsWhen(['--request', requestId], (found) => found.length >= 2);
    // One access line per request, after the route's own lines.
    expect(lines.map((l) => l.msg)).toEqual(['thing looked up', 'request completed']);
    expect(lines[1]).toMatchObject({
      method: 'GET',
      url: '/things/7',
      route: '/things/:id',
      statusCode: 200,
    });
    expect(
      lines.every((l) => (l as { requestId?: string }).requestId === requestId && l.process === 'probe'),
    ).toBe(true);
    expect(JSON.stringify(lines)).not.toContain('pw-123');
  });

  it('a password or token written through the logger never reaches the store', async () => {
    const marker = `secret-test-${randomBytes(4).toString('hex')}`;
    startLogShipping({ LOG_STORE_URL: LOG_STORE, LOG_STORE_INDEX: index });
    const jwt = 'eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiIxMjMifQ.c2lnbmF0dXJl';
    // The suite logs at warn (vitest.config.ts).
    logger.warn(
      {
        marker,
        password: 'hunter2-pass',
        user: { email: 'a@example.com', token: 'tok-abc123', profile: { refreshToken: 'rt-xyz789' } },
        headers: { authorization: `Bearer ${jwt}` },
        card: { number: '4242424242424242', cvc: '123' },
      },
      `${marker} login with password=hunter2-pass card 4242 4242 4242 4242 from mysql://etl:s3cr3t-pw@db/orders`,
    );
    logger.error(
      { marker, err: new Error(`connect mysql://etl:s3cr3t-pw@db failed, token: ${jwt}`) },
      marker,
    );
    await stopLogShipping();
    const lines = await logsWhen(
      ['--since', '10m'],
      (found) => found.filter((l) => l.msg?.includes(marker)).length === 2,
    );
    const ours = lines.filter((l) => l.msg?.includes(marker));
    expect(ours).toHaveLength(2);
    const stored = JSON.stringify(ours);
    for (const secret of ['hunter2-pass', 'tok-abc123', 'rt-xyz789', jwt, '4242', 's3cr3t-pw', 'eyJ'])
      expect(stored, secret).not.toContain(secret);
    // The lines arrived with what is not secret, and the secrets censored.
    expect(stored).toContain('a@example.com');
    expect(stored).toContain('mysql://etl:***@db');
    expect(stored).toContain('password=***');
  });
});
