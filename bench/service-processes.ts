import { type ChildProcess, spawn } from 'node:child_process';
import { openSync, readdirSync, readFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import { join } from 'node:path';
import { REPO_ROOT } from '../core/paths.ts';
import { waitFor } from '../ops/infra/net.ts';
import { freePort } from '../tests/services/private-nginx.ts';

/**
 * Services as separate processes for a benchmark (each its own event loop, as in production), on
 * free ports, logging at warn (unless `env` says otherwise) into `home`. `stopAll` ends the ones this bench started.
 */
export { freePort };

/**
 * Extra Node flags for every service process, from `BENCH_SERVICE_NODE_ARGS` (space-separated): e.g.
 * `--cpu-prof --cpu-prof-dir=/tmp/prof` for a CPU profile of each (NODE_OPTIONS refuses --cpu-prof).
 */
const SERVICE_NODE_ARGS = (process.env.BENCH_SERVICE_NODE_ARGS ?? '').split(' ').filter((a) => a !== '');

export function serviceProcesses(home: string, commonEnv: Record<string, string>) {
  const children: ChildProcess[] = [];
  const named = new Map<string, ChildProcess>();
  return {
    /**
     * CPU time (user + system, ms) each started process has used so far, by name: a difference over
     * a run divided by the requests is a cost per request that a busy shared machine does not blur
     * the way it blurs latencies.
     */
    cpuMs(): Record<string, number> {
      const used: Record<string, number> = {};
      for (const [name, child] of named) used[name] = processCpuMs(child.pid);
      return used;
    },
    /**
     * Starts `services/<name>/server.ts` (from `root`, default this checkout; on `port`, default a free
     * one) and waits for /health. `label` names it in cpuMs() when one service runs several times.
     */
    async start(
      name: string,
      env: Record<string, string>,
      options: { root?: string; port?: number; label?: string } = {},
    ): Promise<string> {
      const root = options.root ?? REPO_ROOT;
      const port = options.port ?? (await freePort());
      const logPath = join(home, `${name}-${port}.log`);
      const log = openSync(logPath, 'a');
      const child = spawn(
        process.execPath,
        [...SERVICE_NODE_ARGS, '--import', 'tsx', join(root, 'services', name, 'server.ts')],
        {
          cwd: root,
          env: { ...process.env, LOG_LEVEL: 'warn', ...commonEnv, ...env, PORT: String(port) },
          stdio: ['ignore', log, log],
        },
      );
      children.push(child);
      named.set(options.label ?? name, child);
      const url = `http://127.0.0.1:${port}`;
      const up = await waitFor(async () => {
        try {
          return (await fetch(`${url}/health`)).ok;
        } catch {
          return false;
        }
      }, 60);
      if (!up) throw new Error(`${name} did not start: see ${logPath}`);
      return url;
    },
    async stopAll(): Promise<void> {
      const exits = children
        .filter((c) => c.exitCode === null)
        .map((c) => new Promise<void>((resolve) => c.once('exit', () => resolve())));
      for (const child of children) child.kill('SIGTERM');
      await Promise.race([Promise.all(exits), new Promise((resolve) => setTimeout(resolve, 15_000))]);
    },
  };
}

/** utime + stime of a Linux process in ms (fields 14 and 15 of /proc/<pid>/stat, in 10 ms ticks). */
export function processCpuMs(pid: number | undefined): number {
  if (pid === undefined) return Number.NaN;
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return (Number(fields[11]) + Number(fields[12])) * 10;
  } catch {
    return Number.NaN;
  }
}

/** The pid of the running process whose command name (/proc/<pid>/comm) is `comm`, if any. */
export function pidOf(comm: string): number | undefined {
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      if (readFileSync(`/proc/${entry}/comm`, 'utf8').trim() === comm) return Number(entry);
    } catch {
      // gone meanwhile
    }
  }
  return undefined;
}

/** Nearest-rank percentile of sorted values (ms). */
export function percentile(sorted: readonly number[], p: number): number {
  if (sorted.length === 0) return Number.NaN;
  const rank = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[rank]!;
}

/** The 1-minute load average, quoted beside every figure (these machines are shared). */
export function loadAverage(): string {
  return loadavg()
    .map((l) => l.toFixed(2))
    .join(' ');
}
