import { describe, expect, it } from 'vitest';
import { mapBounded } from './index.ts';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('mapBounded', () => {
  it('keeps at most `limit` items running and returns the results in order', async () => {
    let running = 0;
    let most = 0;
    const results = await mapBounded([30, 10, 20, 5, 15], 2, async (ms) => {
      running++;
      most = Math.max(most, running);
      await sleep(ms);
      running--;
      return ms * 2;
    });
    expect(results).toEqual([60, 20, 40, 10, 30]);
    expect(most).toBe(2);
  });

  it('after a failure starts nothing new, waits for what is running, then rejects with the first failure', async () => {
    const started: string[] = [];
    const finished: string[] = [];
    const run = mapBounded(['fails', 'slow', 'never'], 2, async (item) => {
      started.push(item);
      if (item === 'fails') {
        await sleep(5);
        throw new Error('extract of fails broke');
      }
      await sleep(60);
      finished.push(item);
      return item;
    });
    await expect(run).rejects.toThrow('extract of fails broke');
    expect(finished).toEqual(['slow']);
    expect(started).toEqual(['fails', 'slow']);
  });
});
