import { spawn } from 'node:child_process';
import { closeSync, openSync } from 'node:fs';
import { InfraError } from './errors.ts';

export interface ExecResult {
  code: number;
  stdout: string;
  stderr: string;
}

/** Runs a command to completion, capturing its output; throws with its stderr when it fails. */
export async function exec(
  command: string,
  args: readonly string[],
  options: { env?: NodeJS.ProcessEnv; cwd?: string; input?: string; allowFailure?: boolean } = {},
): Promise<ExecResult> {
  return new Promise((resolvePromise, reject) => {
    const child = spawn(command, args, {
      env: options.env ?? process.env,
      cwd: options.cwd,
      stdio: [options.input === undefined ? 'ignore' : 'pipe', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout!.setEncoding('utf8').on('data', (d: string) => {
      stdout += d;
    });
    child.stderr!.setEncoding('utf8').on('data', (d: string) => {
      stderr += d;
    });
    child.on('error', (error) =>
      reject(new InfraError(`cannot run ${command}: ${error.message}`, { cause: error })),
    );
    child.on('close', (code) => {
      const result = { code: code ?? -1, stdout, stderr };
      if (result.code !== 0 && !options.allowFailure) {
        const tail = (stderr || stdout).trim().split('\n').slice(-8).join('\n');
        reject(new InfraError(`${command} ${args.join(' ')} exited with ${result.code}:\n${tail}`));
      } else {
        resolvePromise(result);
      }
    });
    if (child.stdin) {
      child.stdin.on('error', () => {}); // a child that exits early closes its stdin: its exit code tells
      child.stdin.end(options.input);
    }
  });
}

/**
 * Starts a long-running server detached from this process, its output appended to a log file,
 * and returns its pid. The caller records the pid so that `infra down` stops only what `up` started.
 */
export function spawnDetached(
  command: string,
  args: readonly string[],
  options: { logFile: string; env?: NodeJS.ProcessEnv; cwd?: string; uid?: number; gid?: number },
): number {
  const fd = openSync(options.logFile, 'a');
  try {
    const child = spawn(command, args, {
      detached: true,
      stdio: ['ignore', fd, fd],
      env: options.env ?? process.env,
      cwd: options.cwd,
      ...(options.uid === undefined ? {} : { uid: options.uid, gid: options.gid }),
    });
    if (child.pid === undefined) throw new InfraError(`cannot start ${command}`);
    child.unref();
    return child.pid;
  } finally {
    closeSync(fd);
  }
}
