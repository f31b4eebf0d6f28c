import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { type Config, SOURCE_DATABASES, sourceUrl } from '../../core/config.ts';
import { REPO_ROOT } from '../../core/paths.ts';

export interface CliRun {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Runs `node bin/techmarket.js …` as an operator would, with extra environment variables. */
export function runCli(args: readonly string[], env: Record<string, string> = {}): Promise<CliRun> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [join(REPO_ROOT, 'bin/techmarket.js'), ...args], {
      cwd: REPO_ROOT,
      env: { ...process.env, LOG_LEVEL: 'warn', ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk) => (stdout += chunk));
    child.stderr.on('data', (chunk) => (stderr += chunk));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

/** The environment that points the CLI at a scratch configuration's databases. */
export function envFor(cfg: Config): Record<string, string> {
  const env: Record<string, string> = { DWH_URL: cfg.DWH_URL };
  for (const db of SOURCE_DATABASES) env[`${db.toUpperCase()}_DB_URL`] = sourceUrl(cfg, db);
  return env;
}
