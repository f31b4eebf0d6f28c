import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import pg from 'pg';
import { REPO_ROOT } from '../../core/paths.ts';
import { machineBusySeconds } from '../machine-cpu.ts';

export interface PipelineFigures {
  runId: number;
  rows: number;
  /** The whole run, as the run itself measured it (no process start-up). */
  seconds: number;
  /** From the first extract's start to the last one's end: extract + COPY into staging. */
  extractSeconds: number;
  /** Core-seconds the machine was busy while the child ran (start-up included). */
  coreSeconds: number;
  /** Highest resident set size of the process, in MiB. */
  peakRssMiB: number;
  /** Where a run's time after the extract goes: the fact model, the rollups model, the DQ gate. */
  phases: { factSeconds: number; rollupSeconds: number; gateSeconds: number };
}

/** Peak RSS so far of a live process (VmHWM), in KiB; 0 once it is gone. */
function peakRssKiB(pid: number): number {
  try {
    const match = readFileSync(`/proc/${pid}/status`, 'utf8').match(/VmHWM:\s+(\d+) kB/);
    return match ? Number(match[1]) : 0;
  } catch {
    return 0;
  }
}

/**
 * Runs `techmarket etl run --local` in a child process, as an operator would, and reads its figures:
 * its JSON summary, its steps from etl.run_steps, and its peak RSS sampled from /proc.
 */
export async function runPipelineChild(
  env: NodeJS.ProcessEnv,
  dwhUrl: string,
  args: readonly string[] = [],
): Promise<PipelineFigures> {
  const busy = machineBusySeconds();
  const child = spawn(
    process.execPath,
    [`${REPO_ROOT}/bin/techmarket.js`, 'etl', 'run', '--local', '--json', ...args],
    {
      env: { ...env, LOG_LEVEL: 'warn' },
      stdio: ['ignore', 'pipe', 'inherit'],
    },
  );
  let stdout = '';
  child.stdout.setEncoding('utf8').on('data', (d: string) => {
    stdout += d;
  });
  let peak = 0;
  const sampler = setInterval(() => {
    peak = Math.max(peak, peakRssKiB(child.pid!));
  }, 50);
  const code = await new Promise<number | null>((resolve) => child.on('exit', resolve));
  clearInterval(sampler);
  const coreSeconds = machineBusySeconds() - busy;
  if (code !== 0) throw new Error(`etl run exited with ${code}: ${stdout.slice(-2000)}`);
  const summary = JSON.parse(stdout) as { runId: number; seconds: number; extracts: { rows: number }[] };
  const db = new pg.Client({ connectionString: dwhUrl });
  await db.connect();
  const { rows } = await db.query(
    `select extract(epoch from max(finished_at) - min(started_at))::float as seconds
     from etl.run_steps where run_id = $1 and step = 'extract'`,
    [summary.runId],
  );
  const { rows: phases } = await db.query<PipelineFigures['phases']>(
    `select
       coalesce((select duration_ms from etl.run_steps
                 where run_id = $1 and step = 'transform' and target = 'fact_sales'), 0) / 1000.0
         as "factSeconds",
       coalesce((select duration_ms from etl.run_steps
                 where run_id = $1 and step = 'transform' and target = 'agg_sales_daily'), 0) / 1000.0
         as "rollupSeconds",
       coalesce((select extract(epoch from max(checked_at) - min(checked_at)) from dq.results
                 where etl_run_id = $1), 0)::float as "gateSeconds"`,
    [summary.runId],
  );
  await db.end();
  return {
    runId: summary.runId,
    rows: summary.extracts.reduce((sum, e) => sum + e.rows, 0),
    seconds: summary.seconds,
    extractSeconds: rows[0].seconds,
    coreSeconds,
    peakRssMiB: peak / 1024,
    phases: {
      factSeconds: Number(phases[0]!.factSeconds),
      rollupSeconds: Number(phases[0]!.rollupSeconds),
      gateSeconds: Number(phases[0]!.gateSeconds),
    },
  };
}
