import { describe, expect, it } from 'vitest';
import { waitForConnector } from './wait-for-connector.ts';

describe('waiting for a connector', () => {
  it('waits past the stall limit for as long as the work moves', async () => {
    let polls = 0;
    const started = Date.now();
    await waitForConnector('the snapshot', async () => ++polls > 6, 0.3, {
      count: async () => BigInt(polls),
      say() {},
    });
    // Six polls of 250 ms: longer than the 0.3 s limit, which only a stall would reach.
    expect(Date.now() - started).toBeGreaterThan(1_000);
  });

  it('gives up after the limit without progress, saying so', async () => {
    const waiting = waitForConnector('the snapshot', async () => false, 0.3, {
      count: async () => 5n,
      say() {},
    });
    await expect(waiting).rejects.toThrow('timed out waiting for the snapshot: no progress for 0.3s');
  });

  it('gives up after the limit when nothing reports progress', async () => {
    await expect(waitForConnector('the connector to run', async () => false, 0.2)).rejects.toThrow(
      'timed out waiting for the connector to run: not after 0.2s',
    );
  });
});
