import { spawn } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { InfraError } from '../../core/errors.ts';
import { spawnDetached } from '../../core/exec.ts';
import { LOG_DIR, REPO_ROOT } from '../../core/paths.ts';
import { isPortOpen, waitFor } from '../infra/net.ts';
import { isAlive, readPid, removePid, writePid } from '../infra/pid-file.ts';

/** A service run as a native process; its settings come from the environment (its PORT default). */
export interface ServiceProcess {
  name: string;
  port: number;
}

/**
 * The services `techmarket services start` runs, in start order (auth first: the others fetch its
 * keys; the gateway last). Ports are DESIGN.md 1's; each server's own PORT setting defaults to them.
 */
export const SERVICE_PROCESSES: readonly ServiceProcess[] = [
  { name: 'auth', port: 7001 },
  { name: 'catalog', port: 7003 },
  { name: 'psp-simulator', port: 7090 },
  { name: 'payments', port: 7004 },
  { name: 'orders', port: 7002 },
  { name: 'notifications', port: 7005 },
  { name: 'bi', port: 7006 },
  { name: 'gateway', port: 8080 },
];

const START_TIMEOUT_SECONDS = 30;
const STOP_TIMEOUT_SECONDS = 15;
const pidName = (service: ServiceProcess) => `service-${service.name}`;
const entry = (service: ServiceProcess) => join(REPO_ROOT, 'services', service.name, 'server.ts');
const address = (service: ServiceProcess) => `127.0.0.1:${service.port}`;
export const serviceLogFile = (service: ServiceProcess) => join(LOG_DIR, `service-${service.name}.log`);

export function selectServices(names: readonly string[]): ServiceProcess[] {
  for (const name of names) {
    if (!SERVICE_PROCESSES.some((s) => s.name === name)) {
      throw new InfraError(`unknown service '${name}'`, {
        hint: `choose from: ${SERVICE_PROCESSES.map((s) => s.name).join(', ')}`,
      });
    }
  }
  return SERVICE_PROCESSES.filter((s) => names.length === 0 || names.includes(s.name));
}

async function health(service: ServiceProcess): Promise<{ ok: boolean; version?: string }> {
  try {
    const response = await fetch(`http://${address(service)}/health`, { signal: AbortSignal.timeout(2000) });
    const body = (await response.json()) as { version?: string };
    return { ok: response.ok, ...(body.version ? { version: body.version } : {}) };
  } catch {
    return { ok: false };
  }
}

export interface ServiceOutcome {
  name: string;
  action: 'started' | 'already-running' | 'external' | 'stopped' | 'not-running';
  seconds: number;
}

/** Starts each service detached (pid file and log like the infra parts); a running one is left. */
export async function startServices(services: readonly ServiceProcess[], log: (line: string) => void) {
  const outcomes: ServiceOutcome[] = [];
  mkdirSync(LOG_DIR, { recursive: true });
  for (const service of services) {
    const started = performance.now();
    const seconds = () => (performance.now() - started) / 1000;
    if (readPid(pidName(service)) !== undefined) {
      outcomes.push({
        name: service.name,
        action: 'already-running',
        seconds: Math.round(seconds() * 10) / 10,
      });
      continue;
    }
    if (await isPortOpen(address(service))) {
      log(`${service.name}: something else answers on ${address(service)}: left as it is`);
      outcomes.push({ name: service.name, action: 'external', seconds: Math.round(seconds() * 10) / 10 });
      continue;
    }
    log(`${service.name}: starting`);
    const pid = spawnDetached(process.execPath, ['--import', 'tsx', entry(service)], {
      logFile: serviceLogFile(service),
      cwd: REPO_ROOT,
    });
    writePid(pidName(service), pid);
    if (
      !(await waitFor(async () => (await health(service)).ok || !isAlive(pid), START_TIMEOUT_SECONDS)) ||
      !isAlive(pid)
    ) {
      removePid(pidName(service));
      throw new InfraError(`${service.name} did not become healthy on ${address(service)}`, {
        hint: `read ${serviceLogFile(service)}`,
      });
    }
    outcomes.push({ name: service.name, action: 'started', seconds: Math.round(seconds() * 10) / 10 });
  }
  return outcomes;
}

/** SIGTERM, then waits while the service finishes its requests in flight. */
export async function stopServices(services: readonly ServiceProcess[]) {
  const outcomes: ServiceOutcome[] = [];
  for (const service of [...services].reverse()) {
    const started = performance.now();
    const pid = readPid(pidName(service));
    if (pid === undefined) {
      outcomes.push({ name: service.name, action: 'not-running', seconds: 0 });
      continue;
    }
    process.kill(pid, 'SIGTERM');
    if (!(await waitFor(async () => !isAlive(pid), STOP_TIMEOUT_SECONDS))) process.kill(pid, 'SIGKILL');
    removePid(pidName(service));
    outcomes.push({
      name: service.name,
      action: 'stopped',
      seconds: Math.round(performance.now() - started) / 1000,
    });
  }
  return outcomes;
}

export interface ServiceStatus {
  name: string;
  address: string;
  state: 'running' | 'external' | 'stopped' | 'unhealthy';
  pid: number | undefined;
  version: string | undefined;
}

export async function serviceStatus(services: readonly ServiceProcess[]): Promise<ServiceStatus[]> {
  return Promise.all(
    services.map(async (service) => {
      const pid = readPid(pidName(service));
      const answer = await health(service);
      const state = answer.ok
        ? pid === undefined
          ? 'external'
          : 'running'
        : pid === undefined
          ? 'stopped'
          : 'unhealthy';
      return { name: service.name, address: address(service), state, pid, version: answer.version };
    }),
  );
}

/** Runs one service in the foreground (containers): signals pass to it, its exit code is ours. */
export function runServiceInForeground(service: ServiceProcess): Promise<number> {
  const child = spawn(process.execPath, ['--import', 'tsx', entry(service)], {
    stdio: 'inherit',
    cwd: REPO_ROOT,
  });
  for (const signal of ['SIGTERM', 'SIGINT'] as const) process.on(signal, () => child.kill(signal));
  return new Promise((resolve) => child.on('exit', (code) => resolve(code ?? 1)));
}
