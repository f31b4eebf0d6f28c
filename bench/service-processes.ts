import { type ChildProcess, spawn } from 'node:child_process';
import { openSync } from 'node:fs';
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

export function serviceProcesses(home: string, commonEnv: Record<string, string>) {
  const children: ChildProcess[] = [];
  return {
    /** Starts `services/<name>/server.ts` (from `root`, default this checkout; on `port`, default a free one) and waits for /health. */
    async start(
      name: string,
      env: Record<string, string>,
      options: { root?: string; port?: number } = {},
    ): Promise<string> {
      const root = options.root ?? REPO_ROOT;
      const port = options.port ?? (await freePort());
      const logPath = join(home, `${name}-${port}.log`);
      const log = openSync(logPath, 'a');
      const child = spawn(process.execPath, ['--import', 'tsx', join(root, 'services', name, 'server.ts')], {
        cwd: root,
        env: { ...process.env, LOG_LEVEL: 'warn', ...commonEnv, ...env, PORT: String(port) },
        stdio: ['ignore', log, log],
      });
      children.push(child);
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
