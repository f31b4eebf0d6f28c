import { describe, expect, it } from 'vitest';
import { batchFailure } from './debezium-consumer.ts';

describe('a failed batch', () => {
  it('names its topics, partitions and offsets, says what happens next, and keeps the cause', () => {
    const cause = new Error('numeric field overflow');
    const message = (topic: string, partition: number, offset: bigint) => ({
      topic,
      partition,
      offset,
      key: null,
      value: null,
    });
    const error = batchFailure(
      [message('t.orders', 0, 41n), message('t.items', 0, 7n), message('t.orders', 0, 43n)],
      cause,
    );
    expect(error.message).toMatch(
      /^cannot apply 3 messages \(t\.orders partition 0 offsets 41–43, t\.items partition 0 offsets 7–7\): numeric field overflow; retried every second/,
    );
    expect(error.cause).toBe(cause);
  });
});
