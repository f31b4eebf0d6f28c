import { describe, expect, it } from 'vitest';
import { startPoller } from './poller.ts';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('the digest poller', () => {
  it('runs passes one at a time, keeps going after a failed one, and stop waits for the pass under way', async () => {
    let running = 0;
    let most = 0;
    let passes = 0;
    let finished = 0;
    const warnings: string[] = [];
    const poller = startPoller(
      5,
      async () => {
        passes++;
        running++;
        most = Math.max(most, running);
        await sleep(30);
        running--;
        finished++;
        if (passes === 1) throw new Error('Kafka is away');
      },
      { warn: (_o, msg) => warnings.push(msg) },
    );
    await sleep(150);
    await poller.stop();
    const stoppedAt = passes;
    expect(finished).toBe(passes);
    await sleep(50);
    expect(passes).toBe(stoppedAt);
    expect(passes).toBeGreaterThanOrEqual(2);
    expect(most).toBe(1);
    expect(warnings).toEqual(['bi digest: the pass failed; the next one retries']);
  });

  it('does nothing with a period of 0 (tests and one-off runs call the dispatcher themselves)', async () => {
    let passes = 0;
    const poller = startPoller(0, async () => void passes++, { warn: () => undefined });
    await sleep(20);
    await poller.stop();
    expect(passes).toBe(0);
  });
});
