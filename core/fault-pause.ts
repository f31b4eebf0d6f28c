import { z } from 'zod';
import { ConfigError } from './errors.ts';
import { childLogger } from './logger.ts';

/**
 * Pause points for the fault-injection suite (tests/faults/): with `TECHMARKET_FAULT_PAUSE_AT=<point>`
 * a process stops itself (SIGSTOP) when it reaches that point, so a test can kill it, or hold it past
 * a heartbeat timeout and resume it (SIGCONT), at an exact moment no outside trigger can hit. Unset
 * (always, outside those tests) it does nothing.
 */
export const FAULT_PAUSE_POINTS = [
  /** A run's load read its extracts and took its fence, and is about to open its transaction. */
  'before-load',
  /** A run's load holds the load lock inside its transaction, before it writes. */
  'load-locked',
  /** A run's load transaction committed; the caller (an activity) has not reported yet. */
  'after-load-commit',
  /** The CDC consumer committed a batch and its offsets to the warehouse, not yet to Kafka. */
  'cdc-after-warehouse-commit',
  /** The CDC consumer staged a catch-up batch and holds it (with its load's run) for a later transform. */
  'cdc-load-held',
] as const;

export type FaultPausePoint = (typeof FAULT_PAUSE_POINTS)[number];

const pauseAtSchema = z.enum(FAULT_PAUSE_POINTS).optional();

let pauseAt: FaultPausePoint | undefined | null = null;

function configuredPoint(): FaultPausePoint | undefined {
  if (pauseAt === null) {
    const parsed = pauseAtSchema.safeParse(process.env.TECHMARKET_FAULT_PAUSE_AT || undefined);
    if (!parsed.success) {
      throw new ConfigError(
        `TECHMARKET_FAULT_PAUSE_AT: must be one of ${FAULT_PAUSE_POINTS.join(', ')} (or unset)`,
      );
    }
    pauseAt = parsed.data;
  }
  return pauseAt;
}

/** Stops this process here when TECHMARKET_FAULT_PAUSE_AT names this point; returns after SIGCONT. */
export function faultPause(point: FaultPausePoint): void {
  if (configuredPoint() !== point) return;
  childLogger({ component: 'fault-pause' }).warn({ point, pid: process.pid }, 'pausing for a fault test');
  process.kill(process.pid, 'SIGSTOP');
}
