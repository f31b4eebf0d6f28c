import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { RUN_DIR } from '../../core/paths.ts';

/** Pid files mark what `infra up` started, so that `infra down` stops only that. */
function pidPath(part: string): string {
  return join(RUN_DIR, `${part}.pid`);
}

export function readPid(part: string): number | undefined {
  try {
    const pid = Number.parseInt(readFileSync(pidPath(part), 'utf8'), 10);
    return Number.isFinite(pid) && isAlive(pid) ? pid : undefined;
  } catch {
    return undefined;
  }
}

export function writePid(part: string, pid: number): void {
  mkdirSync(RUN_DIR, { recursive: true });
  writeFileSync(pidPath(part), `${pid}\n`);
}

export function removePid(part: string): void {
  rmSync(pidPath(part), { force: true });
  rmSync(settingsPath(part), { force: true });
}

/** Beside the pid: the settings the part was started with (`InfraPart.startSettings`). */
function settingsPath(part: string): string {
  return join(RUN_DIR, `${part}.settings`);
}

export function readStartSettings(part: string): string | undefined {
  try {
    return readFileSync(settingsPath(part), 'utf8');
  } catch {
    return undefined;
  }
}

export function writeStartSettings(part: string, settings: string): void {
  mkdirSync(RUN_DIR, { recursive: true });
  writeFileSync(settingsPath(part), settings);
}

export function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}
