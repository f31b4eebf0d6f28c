import { describe, expect, it } from 'vitest';
import type { CdcMessage } from '../../connectors/cdc/index.ts';
import { SOURCE_TABLES } from '../source-tables.ts';
import { decodeCdcMessage } from './apply-batch.ts';

const customers = SOURCE_TABLES.find((t) => t.database === 'orders' && t.table === 'customers')!;
const byTopic = new Map([['t.orders.customers', customers]]);
const message = (topic: string, value: string | null): CdcMessage => ({
  topic,
  partition: 0,
  offset: 7n,
  key: null,
  value: value === null ? null : Buffer.from(value),
});

describe('decoding a message as it arrives', () => {
  it('gives a tombstone its table', () => {
    expect(decodeCdcMessage(byTopic, message('t.orders.customers', null))).toEqual({
      table: customers,
      change: { kind: 'tombstone' },
    });
  });

  it('gives what cannot be applied a reason instead of throwing: not JSON, a topic of no CDC table', () => {
    const notJson = decodeCdcMessage(byTopic, message('t.orders.customers', '{"op": "c"'));
    expect(notJson.table).toBeNull();
    expect(notJson).toHaveProperty('reason', expect.stringMatching(/^not JSON: /));
    expect(decodeCdcMessage(byTopic, message('t.orders.regions', '{}'))).toEqual({
      table: null,
      reason: 'topic t.orders.regions belongs to no table configured for CDC',
    });
  });
});
