import { InfraError } from '../../core/errors.ts';

/** How often a long wait says how far the snapshot got. */
const PROGRESS_EVERY_MS = 10_000;
const POLL_MS = 250;

/**
 * Polls `check` until it holds. Gives up after `seconds` without progress: `progress` (when given)
 * returns a count that grows while the awaited work advances, such as a snapshot's events in Kafka,
 * so a big table's snapshot is waited for as long as it keeps moving and a stuck one is not.
 */
export async function waitForConnector(
  what: string,
  check: () => Promise<boolean>,
  seconds: number,
  progress?: { count: () => Promise<bigint>; say: (count: bigint) => void },
) {
  let lastCount = -1n;
  let movedAt = Date.now();
  let saidAt = Date.now();
  while (!(await check())) {
    if (progress) {
      const count = await progress.count();
      if (count > lastCount) {
        lastCount = count;
        movedAt = Date.now();
      }
      if (Date.now() - saidAt >= PROGRESS_EVERY_MS) {
        saidAt = Date.now();
        progress.say(count);
      }
    }
    if (Date.now() - movedAt > seconds * 1000) {
      throw new InfraError(
        `timed out waiting for ${what}: ${progress ? `no progress for ${seconds}s` : `not after ${seconds}s`}`,
        { hint: 'see techmarket cdc connectors status and the Kafka Connect log (techmarket infra status)' },
      );
    }
    await new Promise((r) => setTimeout(r, POLL_MS));
  }
}
