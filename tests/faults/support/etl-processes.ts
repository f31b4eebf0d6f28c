import { type ChildProcess, spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { expect } from 'vitest';
import type { FaultPausePoint } from '../../../core/fault-pause.ts';
import { REPO_ROOT } from '../../../core/paths.ts';
import { type Scratch, scratchEnv } from '../../support/scratch.ts';

/**
 * The processes the ETL fault scenarios break: `techmarket worker` and `techmarket etl …` as operators
 * run them, on a test file's scratch databases, with stderr kept (a refused attempt says why there).
 */
export interface EtlProcess {
  child: ChildProcess;
  /** Everything written to stdout so far. */
  stdout(): string;
  /** Everything written to stderr so far. */
  stderr(): string;
  exited: Promise<number | null>;
}

function start(scratch: Scratch, args: readonly string[], env: Record<string, string>): EtlProcess {
  const child = spawn(process.execPath, [`${REPO_ROOT}/bin/techmarket.js`, ...args], {
    env: { ...scratchEnv(scratch), ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout!.on('data', (chunk) => (stdout += chunk));
  child.stderr!.on('data', (chunk) => (stderr += chunk));
  // 'close', not 'exit': the output is complete once the streams have closed.
  const exited = new Promise<number | null>((resolve) => child.once('close', (code) => resolve(code)));
  return { child, stdout: () => stdout, stderr: () => stderr, exited };
}

export interface WorkerOptions {
  /** Commit the extract's COPY every this many rows (default the worker's own, 500,000). */
  commitEveryRows?: number;
  /** Stop the worker (SIGSTOP) at this point of a run (core/fault-pause.ts). */
  pauseAt?: FaultPausePoint;
  /** Activities at once: 1 keeps a worker that holds one from polling for (and swallowing) another. */
  maxActivities?: number;
}

export function startWorker(scratch: Scratch, taskQueue: string, options: WorkerOptions = {}): EtlProcess {
  return start(
    scratch,
    [
      'worker',
      '--task-queue',
      taskQueue,
      '--metrics-port',
      '0',
      '--sdk-metrics-port',
      '0',
      ...(options.commitEveryRows ? ['--commit-every-rows', String(options.commitEveryRows)] : []),
      ...(options.maxActivities ? ['--max-activities', String(options.maxActivities)] : []),
    ],
    options.pauseAt ? { TECHMARKET_FAULT_PAUSE_AT: options.pauseAt } : {},
  );
}

/** `techmarket <args>` (e.g. `etl run --local --json`) as a child process. */
export function startCli(scratch: Scratch, args: readonly string[], env: Record<string, string> = {}) {
  return start(scratch, args, env);
}

/** Kills a process (if still running) and waits for it to be gone. */
export async function kill(proc: EtlProcess | undefined, signal: NodeJS.Signals = 'SIGKILL'): Promise<void> {
  if (!proc || proc.child.exitCode !== null || proc.child.signalCode !== null) return;
  proc.child.kill(signal);
  await proc.exited;
}

/** Waits until the process has stopped itself at a fault pause point (state T in /proc). */
export async function waitUntilPaused(proc: EtlProcess, timeoutMs = 120_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (proc.child.exitCode !== null)
      throw new Error(`process exited (${proc.child.exitCode}) before pausing`);
    const stat = readFileSync(`/proc/${proc.child.pid}/stat`, 'utf8');
    // The state follows the command name in parentheses.
    if (stat.slice(stat.lastIndexOf(')') + 2).startsWith('T')) return;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`process ${proc.child.pid} did not reach its pause point in ${timeoutMs} ms`);
}

type Query = (sql: string, values?: unknown[]) => Promise<{ rows: Record<string, unknown>[] }>;

/**
 * After a fault and the recovery: no run still open, no run lock or load lock held in the warehouse,
 * no batch table left, no order line twice in fact_sales, and every fact row stamped by a run that
 * succeeded (a run that died never owns rows).
 */
export async function expectRunsSettled(query: Query, dwhName: string): Promise<void> {
  const { rows } = await query(
    `select
       (select count(*)::int from etl.runs where status = 'running') as open_runs,
       (select count(*)::int from pg_locks l join pg_database d on d.oid = l.database
         where l.locktype = 'advisory' and d.datname = $1) as advisory_locks,
       (select count(*)::int from pg_tables where schemaname = 'stg' and tablename ~ '__r[0-9]+$') as batches,
       (select count(*)::int - count(distinct order_item_id)::int from dwh.fact_sales) as duplicate_facts,
       (select count(*)::int from dwh.fact_sales f
         where not exists (select 1 from etl.runs r where r.run_id = f.etl_run_id and r.status = 'succeeded'))
         as facts_of_unsucceeded_runs`,
    [dwhName],
  );
  expect(rows[0]).toEqual({
    open_runs: 0,
    advisory_locks: 0,
    batches: 0,
    duplicate_facts: 0,
    facts_of_unsucceeded_runs: 0,
  });
}
