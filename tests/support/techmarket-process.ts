import { type ChildProcess, spawn } from 'node:child_process';
import { REPO_ROOT } from '../../core/paths.ts';

/**
 * `techmarket …` as a child process, as operators run it, with its output kept: a refused command
 * says why on stderr, a `--json` one answers on stdout.
 */
export interface TechmarketProcess {
  child: ChildProcess;
  /** Everything written to stdout so far. */
  stdout(): string;
  /** Everything written to stderr so far. */
  stderr(): string;
  /** The exit code once the process has ended and its output is complete (null: killed). */
  exited: Promise<number | null>;
}

/** Starts `techmarket <args>` with exactly this environment. */
export function startTechmarket(args: readonly string[], env: NodeJS.ProcessEnv): TechmarketProcess {
  const child = spawn(process.execPath, [`${REPO_ROOT}/bin/techmarket.js`, ...args], {
    env,
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

/**
 * The first JSON document the process prints on stdout (`techmarket worker --json` prints where its
 * metrics are once it polls); fails if the process exits first.
 */
export function printedJson<T>(proc: TechmarketProcess): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const tryParse = () => {
      try {
        resolve(JSON.parse(proc.stdout()) as T);
      } catch {
        // the document is not complete yet
      }
    };
    proc.child.stdout!.on('data', tryParse);
    tryParse();
    // Rejects only if it exits before printing (a later rejection is a no-op).
    void proc.exited.then((code) =>
      reject(new Error(`exited with ${code} before printing JSON: ${proc.stdout()} ${proc.stderr()}`)),
    );
  });
}

/** Kills a process (if still running) and waits for it to be gone. */
export async function kill(
  proc: TechmarketProcess | undefined,
  signal: NodeJS.Signals = 'SIGKILL',
): Promise<void> {
  if (!proc || proc.child.exitCode !== null || proc.child.signalCode !== null) return;
  proc.child.kill(signal);
  await proc.exited;
}
