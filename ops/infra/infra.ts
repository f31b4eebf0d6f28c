import { InfraError } from '../../core/errors.ts';
import { isPortOpen, waitFor } from './net.ts';
import type { InfraContext, InfraPart, PartStatus } from './part.ts';
import { isAlive, readPid, readStartSettings, removePid, writePid, writeStartSettings } from './pid-file.ts';
import { withInfraLock } from './up-lock.ts';

const DEFAULT_START_TIMEOUT_SECONDS = 60;
const STOP_TIMEOUT_SECONDS = 60;

export interface PartOutcome {
  name: string;
  action: 'already-running' | 'external' | 'started' | 'stopped' | 'not-running' | 'left-external';
  seconds: number;
}

/**
 * Selects parts by name (all when none are named), keeping start order; for `up` the parts they
 * depend on come along, for `down` and `status` only the named ones.
 */
export function selectParts(
  all: readonly InfraPart[],
  names: readonly string[],
  options: { withDependencies?: boolean } = {},
): InfraPart[] {
  if (names.length === 0) return [...all];
  const byName = new Map(all.map((p) => [p.name, p]));
  const wanted = new Set<string>();
  const add = (name: string) => {
    const part = byName.get(name);
    if (!part) {
      throw new InfraError(`unknown infrastructure part '${name}'`, {
        hint: `choose from: ${all.map((p) => p.name).join(', ')}`,
      });
    }
    if (wanted.has(name)) return;
    wanted.add(name);
    if (options.withDependencies !== false) for (const dep of part.dependsOn ?? []) add(dep);
  };
  for (const name of names) add(name);
  return all.filter((p) => wanted.has(p.name));
}

/**
 * Brings each part up: a part already running (ours, or someone else's on its port) is left as it is,
 * so a second `up` changes nothing; bootstrap steps are idempotent and run every time.
 */
export function infraUp(parts: readonly InfraPart[], ctx: InfraContext): Promise<PartOutcome[]> {
  return withInfraLock(() => bringUp(parts, ctx));
}

async function bringUp(parts: readonly InfraPart[], ctx: InfraContext): Promise<PartOutcome[]> {
  const outcomes: PartOutcome[] = [];
  for (const part of parts) {
    const started = performance.now();
    const ownPid = readPid(part.name);
    const settings = part.startSettings?.();
    const settingsChanged = settings !== undefined && readStartSettings(part.name) !== settings;
    let action: PartOutcome['action'];
    if (ownPid !== undefined && settingsChanged) {
      ctx.log(`${part.name}: its settings changed since it started: restarting`);
      await stopPid(part, ownPid);
    }
    if (ownPid !== undefined && !settingsChanged && (await part.isHealthy(ctx))) {
      action = 'already-running';
    } else if (ownPid === undefined && (await isPortOpen(part.address)) && (await part.isHealthy(ctx))) {
      action = 'external';
    } else {
      // alive but unhealthy: restart it
      if (ownPid !== undefined && !settingsChanged) await stopPid(part, ownPid);
      if (!(await part.isInstalled())) {
        ctx.log(`${part.name}: installing`);
        await part.install(ctx);
      }
      if (await isPortOpen(part.address)) {
        throw new InfraError(
          `${part.name}: port ${part.address} is taken by a process techmarket did not start`,
          {
            hint: `stop whatever listens on ${part.address}, then run 'techmarket infra up' again`,
          },
        );
      }
      ctx.log(`${part.name}: starting`);
      const pid = await part.start(ctx);
      writePid(part.name, pid);
      if (settings !== undefined) writeStartSettings(part.name, settings);
      const timeout = part.startTimeoutSeconds ?? DEFAULT_START_TIMEOUT_SECONDS;
      const healthy = await waitFor(async () => isAlive(pid) && (await part.isHealthy(ctx)), timeout);
      if (!healthy) {
        throw new InfraError(`${part.name} did not become healthy within ${timeout}s`, {
          hint: `read its log in the logs folder (techmarket infra status shows where)`,
        });
      }
      action = 'started';
    }
    await part.bootstrap?.(ctx);
    const seconds = (performance.now() - started) / 1000;
    ctx.log(`${part.name}: ${action} (${seconds.toFixed(1)}s)`);
    outcomes.push({ name: part.name, action, seconds });
  }
  return outcomes;
}

/** Stops, in reverse order, only the parts `up` started; servers someone else runs are left alone. */
export async function infraDown(parts: readonly InfraPart[], ctx: InfraContext): Promise<PartOutcome[]> {
  const outcomes: PartOutcome[] = [];
  for (const part of [...parts].reverse()) {
    const started = performance.now();
    const pid = readPid(part.name);
    let action: PartOutcome['action'];
    if (pid === undefined) {
      action = (await isPortOpen(part.address)) ? 'left-external' : 'not-running';
    } else {
      await stopPid(part, pid);
      action = 'stopped';
    }
    removePid(part.name);
    const seconds = (performance.now() - started) / 1000;
    ctx.log(`${part.name}: ${action} (${seconds.toFixed(1)}s)`);
    outcomes.push({ name: part.name, action, seconds });
  }
  return outcomes;
}

async function stopPid(part: InfraPart, pid: number): Promise<void> {
  process.kill(pid, part.stopSignal ?? 'SIGTERM');
  const gone = await waitFor(async () => !isAlive(pid), STOP_TIMEOUT_SECONDS);
  if (!gone) {
    process.kill(pid, 'SIGKILL');
    await waitFor(async () => !isAlive(pid), 10);
  }
}

export async function infraStatus(parts: readonly InfraPart[], ctx: InfraContext): Promise<PartStatus[]> {
  return Promise.all(
    parts.map(async (part): Promise<PartStatus> => {
      const pid = readPid(part.name);
      const open = await isPortOpen(part.address);
      const healthy = open && (await part.isHealthy(ctx).catch(() => false));
      const state: PartStatus['state'] =
        pid !== undefined
          ? healthy
            ? 'running'
            : 'unhealthy'
          : healthy
            ? 'external'
            : open
              ? 'unhealthy'
              : 'stopped';
      return {
        name: part.name,
        address: part.address,
        state,
        owned: pid !== undefined,
        pid,
        version: await part.version().catch(() => undefined),
      };
    }),
  );
}
