import { readFileSync } from 'node:fs';

/** Linux's USER_HZ: /proc/stat counts in hundredths of a second on every architecture we run on. */
const TICKS_PER_SECOND = 100;

/**
 * Core-seconds the whole machine has spent busy since boot (every process, PostgreSQL's parallel
 * workers and MariaDB included), from the first line of /proc/stat. A difference over a phase is
 * what that phase cost the cores, which its wall time on two cores does not say.
 */
export function machineBusySeconds(procStat = readFileSync('/proc/stat', 'utf8')): number {
  const [label, ...fields] = (procStat.split('\n')[0] ?? '').trim().split(/\s+/);
  if (label !== 'cpu' || fields.length < 8) throw new Error('cannot read the CPU line of /proc/stat');
  const [user, nice, system, , , irq, softirq, steal] = fields.map(Number) as number[];
  return (user! + nice! + system! + irq! + softirq! + steal!) / TICKS_PER_SECOND;
}

/** What a phase took: wall seconds, and the core-seconds the whole machine was busy meanwhile. */
export interface Phase {
  seconds: number;
  coreSeconds: number;
}

export async function timedPhase(run: () => Promise<unknown>): Promise<Phase> {
  const busy = machineBusySeconds();
  const started = performance.now();
  await run();
  return { seconds: (performance.now() - started) / 1000, coreSeconds: machineBusySeconds() - busy };
}

/**
 * Waits until the machine is near idle (under `maxCores` busy over a half-second sample), at most
 * `timeoutMs`: an overloaded measurement leaves queues in the servers that would otherwise be
 * drained during the next one and counted against it. Returns the seconds waited.
 */
export async function waitForQuiet(maxCores = 0.3, timeoutMs = 30_000): Promise<number> {
  const started = performance.now();
  for (;;) {
    const busy = machineBusySeconds();
    await new Promise((resolve) => setTimeout(resolve, 500));
    const cores = (machineBusySeconds() - busy) / 0.5;
    const waited = performance.now() - started;
    if (cores < maxCores || waited >= timeoutMs) return waited / 1000;
  }
}
