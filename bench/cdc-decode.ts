/**
 * `npm run bench:cdc-decode`: the CDC consumer's decoding cost per event, without any server: a
 * Debezium snapshot event of orders.order_items (as Connect's JSON converter writes it) decoded into
 * COPY text, against `JSON.parse` of the same bytes alone (the floor). Medians of interleaved rounds.
 */

import { utcSecondsText, utcSecondsTextViaDate } from '../connectors/cdc/debezium-envelope.ts';
import { decodeChange } from '../connectors/cdc/index.ts';
import { selectSourceTables } from '../pipeline/index.ts';

const [table] = selectSourceTables(['orders.order_items']);
const after = {
  id: 1_234_567,
  created_at: 1_733_380_000_123_456,
  updated_at: 1_733_380_000_123_456,
  order_id: 765_432,
  product_id: 4_321,
  quantity: 2,
  unit_price: '1299.00',
  discount_amount: '0.00',
};
const source = {
  version: '3.6.1.Final',
  connector: 'mysql',
  name: 'techmarket-cdc-orders',
  ts_ms: 1_733_380_000_000,
  snapshot: 'true',
  db: 'orders',
  sequence: null,
  table: 'order_items',
  server_id: 0,
  gtid: null,
  file: 'mysql-bin.000003',
  pos: 1234,
  row: 0,
  thread: null,
  query: null,
};
const message = Buffer.from(
  JSON.stringify({ before: null, after, source, op: 'r', ts_ms: 1_733_380_000_100 }),
);
const EVENTS = 100_000;
const ROUNDS = 7;

const microsPerEvent = (work: () => unknown) => {
  const started = performance.now();
  for (let i = 0; i < EVENTS; i++) work();
  return ((performance.now() - started) / EVENTS) * 1000;
};
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
const parseOnly: number[] = [];
const decode: number[] = [];
// An event's two datetimes as whole seconds, formatted the way decoding did before and does now.
const viaDate: number[] = [];
const viaArithmetic: number[] = [];
const second = Math.floor(after.updated_at / 1_000_000);
for (let round = 0; round < ROUNDS; round++) {
  parseOnly.push(microsPerEvent(() => JSON.parse(message.toString('utf8'))));
  decode.push(microsPerEvent(() => decodeChange(message, table!)));
  viaDate.push(
    microsPerEvent(() => {
      return utcSecondsTextViaDate(second) + utcSecondsTextViaDate(second + 1);
    }),
  );
  viaArithmetic.push(microsPerEvent(() => utcSecondsText(second) + utcSecondsText(second + 1)));
}
const rate = (us: number) => Math.round(1e6 / us).toLocaleString('en-US');
process.stdout.write(
  `CDC decoding, ${message.length}-byte order_items event, median of ${ROUNDS} rounds of ${EVENTS.toLocaleString('en-US')}:\n` +
    `  JSON.parse alone   ${median(parseOnly).toFixed(1)} µs/event (${rate(median(parseOnly))} events/s)\n` +
    `  decodeChange       ${median(decode).toFixed(1)} µs/event (${rate(median(decode))} events/s)\n` +
    `  of which its two datetimes: ${median(viaArithmetic).toFixed(2)} µs by arithmetic, against ${median(viaDate).toFixed(2)} µs through Date#toISOString\n`,
);
