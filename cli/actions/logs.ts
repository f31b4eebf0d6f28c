import pg from 'pg';
import { config } from '../../core/config.ts';
import { InfraError, UsageError } from '../../core/errors.ts';
import { logIndexPattern } from '../../core/log-shipping.ts';
import { LOG_LEVEL_NUMBERS, type LogsFlags } from '../commands/logs.ts';
import type { Output } from '../output.ts';

/** Lines logged this long before a run began or after it ended still belong to it (clock, buffering). */
const RUN_MARGIN_MS = 60_000;
const UNIT_MS = { s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 } as const;

export interface RunWindow {
  runId: number;
  workflowId: string | null;
  startedAt: string;
  finishedAt: string | null;
}

/**
 * The OpenSearch query of `techmarket logs`. A run's lines are those carrying its id, and those of
 * its workflow (the CLI that started it, the workflow's own lines, activities before the run had an
 * id) within the run's time: a workflow id is reused when a day's run is repeated.
 */
export function buildLogQuery(
  filter: { run?: RunWindow; requestId?: string; sinceMs?: number; minLevel?: number; limit: number },
  now = Date.now(),
): object {
  const must: object[] = [];
  if (filter.run) {
    const should: object[] = [{ term: { etlRunId: String(filter.run.runId) } }];
    if (filter.run.workflowId) {
      const from = Date.parse(filter.run.startedAt) - RUN_MARGIN_MS;
      const to = (filter.run.finishedAt ? Date.parse(filter.run.finishedAt) : now) + RUN_MARGIN_MS;
      should.push({
        bool: {
          must: [
            { term: { workflowId: filter.run.workflowId } },
            { range: { time: { gte: new Date(from).toISOString(), lte: new Date(to).toISOString() } } },
          ],
          // A line naming another run is that run's, whatever its workflow.
          must_not: [{ exists: { field: 'etlRunId' } }],
        },
      });
    }
    must.push({ bool: { should, minimum_should_match: 1 } });
  }
  if (filter.requestId) must.push({ term: { requestId: filter.requestId } });
  if (filter.sinceMs !== undefined)
    must.push({ range: { time: { gte: new Date(now - filter.sinceMs).toISOString() } } });
  if (filter.minLevel !== undefined) must.push({ range: { level: { gte: filter.minLevel } } });
  return { size: filter.limit, sort: [{ time: { order: 'asc' } }], query: { bool: { must } } };
}

async function runWindow(dwhUrl: string, runId: number): Promise<RunWindow> {
  const client = new pg.Client({ connectionString: dwhUrl });
  await client.connect();
  try {
    const { rows } = await client.query(
      `select run_id::int as "runId", workflow_id as "workflowId",
              to_char(started_at at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"') as "startedAt",
              to_char(finished_at at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"') as "finishedAt"
       from etl.runs where run_id = $1`,
      [runId],
    );
    if (!rows[0])
      throw new UsageError(`logs: --run ${runId} is not a pipeline run of this warehouse`, {
        hint: 'techmarket etl status lists the runs',
      });
    return rows[0] as RunWindow;
  } finally {
    await client.end();
  }
}

interface LogLine {
  time: string;
  level: number;
  msg?: string;
  process?: string;
  component?: string;
  activity?: string;
  [field: string]: unknown;
}

const LEVEL_NAMES = Object.fromEntries(Object.entries(LOG_LEVEL_NUMBERS).map(([name, n]) => [n, name]));

function describeLine(line: LogLine): string {
  const where = [line.process, line.component ?? line.activity].filter(Boolean).join('/');
  return `${line.time} ${(LEVEL_NAMES[line.level] ?? String(line.level)).padEnd(5)} ${where.padEnd(18)} ${line.msg ?? ''}`;
}

export async function showLogs(flags: LogsFlags, out: Output): Promise<number> {
  const cfg = config();
  if (cfg.LOG_STORE_URL === 'off') {
    throw new UsageError('logs: LOG_STORE_URL is off, so no log store is searched', {
      hint: 'set LOG_STORE_URL to the OpenSearch address (default http://127.0.0.1:9200)',
    });
  }
  const run = flags.run === undefined ? undefined : await runWindow(cfg.DWH_URL, flags.run);
  const since = flags.since;
  const query = buildLogQuery({
    run,
    requestId: flags.request,
    sinceMs: since ? Number(since.slice(0, -1)) * UNIT_MS[since.at(-1) as keyof typeof UNIT_MS] : undefined,
    minLevel: flags.level ? LOG_LEVEL_NUMBERS[flags.level] : undefined,
    limit: flags.limit,
  });
  const url = `${cfg.LOG_STORE_URL}/${logIndexPattern(cfg)}/_search?ignore_unavailable=true&allow_no_indices=true`;
  const response = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(query),
  }).catch((error: Error) => {
    throw new InfraError(`the log store does not answer at ${cfg.LOG_STORE_URL}: ${error.message}`, {
      hint: 'start it with: techmarket infra up --parts opensearch',
    });
  });
  if (!response.ok)
    throw new InfraError(`the log store refused the search: ${(await response.text()).slice(0, 300)}`);
  const body = (await response.json()) as { hits: { hits: { _source: LogLine }[] } };
  const lines = body.hits.hits.map((hit) => hit._source);
  out.result(lines, () => (lines.length === 0 ? 'no log lines match' : lines.map(describeLine).join('\n')));
  return 0;
}
