import { z } from 'zod';
import { ConfigError } from './errors.ts';

/**
 * Named places where the fault-injection suite (tests/faults) stops a process so it can kill it at
 * an exact moment that no outside signal can hit reliably. Inert unless `TECHMARKET_FAULT_PAUSE_AT`
 * names the point: then the process writes one line to stderr and waits there until it is killed.
 * Never set it in production: a paused process does no more work.
 */

/** Every point, where it is, and the window it opens. */
export const FAULT_POINTS = {
  /** The CDC consumer has committed a batch (and its offsets) to the warehouse, not yet to Kafka. */
  'cdc-after-warehouse-commit': 'connectors/cdc/debezium-consumer.ts',
} as const;
export type FaultPoint = keyof typeof FAULT_POINTS;

export const FAULT_PAUSE_VARIABLE = 'TECHMARKET_FAULT_PAUSE_AT';
/** What a paused process writes to stderr (the test waits for it), followed by the point's name. */
export const FAULT_PAUSE_BANNER = 'techmarket fault point reached:';

const pauseSetting = z
  .enum(Object.keys(FAULT_POINTS) as [FaultPoint, ...FaultPoint[]], {
    error: `must be one of ${Object.keys(FAULT_POINTS).join(', ')}`,
  })
  .optional();

/** The point the environment names, if any; a name that is no point stops the caller with the variable named. */
export function faultPauseFrom(env: NodeJS.ProcessEnv): FaultPoint | undefined {
  const raw = env[FAULT_PAUSE_VARIABLE];
  const parsed = pauseSetting.safeParse(raw === '' ? undefined : raw);
  if (!parsed.success) {
    throw new ConfigError(`${FAULT_PAUSE_VARIABLE}: ${parsed.error.issues[0]!.message}`);
  }
  return parsed.data;
}

/** Waits forever at `point` when the environment names it; returns at once otherwise. */
export async function faultPoint(point: FaultPoint, env: NodeJS.ProcessEnv = process.env): Promise<void> {
  if (faultPauseFrom(env) !== point) return;
  process.stderr.write(`${FAULT_PAUSE_BANNER} ${point} (pid ${process.pid})\n`);
  await new Promise<never>(() => {
    // Keeps the event loop alive while paused, even when nothing else would.
    setInterval(() => {}, 60_000);
  });
}
