import { randomBytes } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { kafkaFor } from '../cdc/cdc-support.ts';
import { ensureParts } from '../infra/ensure-parts.ts';
import { waitUntil } from '../support/wait-until.ts';
import {
  type CdcFaultWorld,
  type ConsumerProcess,
  caughtUp,
  changeSources,
  STARTED,
  startCdcFaultWorld,
  startConsumerProcess,
  storedOffsets,
} from './support/cdc-fault-world.ts';
import { expectWarehouseEqualsSources } from './support/invariants.ts';
import {
  dropWorkerTopics,
  type PrivateKafkaConnect,
  startPrivateKafkaConnect,
} from './support/private-kafka-connect.ts';
import { scenario } from './support/summary.ts';

/**
 * Scenario 5 of issue 19, Debezium's half: Kafka Connect killed (SIGKILL) while source changes flow,
 * then started again. The worker is this test's own (its own port, group and internal topics on the
 * shared broker); its connectors resume from the offsets it last flushed and send again what came
 * after. Every change must arrive, and the events sent twice must change nothing.
 */
let connect: PrivateKafkaConnect;
let world: CdcFaultWorld;
let consumer: ConsumerProcess | undefined;
beforeAll(async () => {
  await ensureParts('postgres', 'mariadb', 'kafka');
  connect = await startPrivateKafkaConnect(
    mkdtempSync(join(tmpdir(), 'techmarket-connect-')),
    randomBytes(4).toString('hex'),
  );
  world = await startCdcFaultWorld({ KAFKA_CONNECT_URL: connect.url });
}, 600_000);
afterAll(async () => {
  await consumer?.kill('SIGTERM');
  await world?.close();
  await connect?.kill();
  if (connect && world) await dropWorkerTopics(world.scratch.config.KAFKA_BROKERS, connect.topics);
});

/** Per change topic: events whose binlog position and row were already on it (sent twice). */
async function eventsSentTwice(w: CdcFaultWorld): Promise<number> {
  const ends = await storedOffsets(w);
  const seen = new Set<string>();
  let twice = 0;
  const reader = kafkaFor(w.scratch.config).consumer({ groupId: `twice-${w.scratch.suffix}` });
  await reader.connect();
  let read = 0;
  const total = [...ends.values()].reduce((a, b) => a + Number(b), 0);
  try {
    await reader.subscribe({ topics: w.topics, fromBeginning: true });
    await reader.run({
      eachMessage: async ({ topic, message }) => {
        read++;
        if (!message.value) return;
        const event = JSON.parse(message.value.toString()) as {
          after?: { id?: number };
          before?: { id?: number };
          source?: { file?: string; pos?: number; row?: number };
        };
        const id = event.after?.id ?? event.before?.id;
        const at = `${topic}|${event.source?.file}:${event.source?.pos}:${event.source?.row}|${id}`;
        if (seen.has(at)) twice++;
        seen.add(at);
      },
    });
    await waitUntil('the change topics read back', () => read >= total, 60);
  } finally {
    await reader.disconnect();
  }
  return twice;
}

describe('Kafka Connect restarted while changes flow', () => {
  it('loses no change, and the events sent again change nothing', async () => {
    await scenario(
      {
        scenario: '5. Kafka Connect killed and restarted mid-stream',
        fault: "SIGKILL of the test's own Connect worker, started again",
      },
      async () => {
        consumer = startConsumerProcess(world.scratch.config);
        await consumer.waitFor(STARTED);
        await changeSources(world, 4, 'before restart');
        await caughtUp(world);

        const stream = changeSources(world, 12, 'during restart');
        await new Promise((r) => setTimeout(r, 300));
        await connect.kill();
        await stream;
        await connect.start();
        await changeSources(world, 3, 'after restart');
        // Debezium resumes after its flushed offset and reaches the binlog's end: the last city.
        const lastCities = async () =>
          (
            await world.writer.rows<{ id: number; city: string }>(
              'orders',
              'SELECT id, city FROM customers ORDER BY id',
            )
          ).map((r) => `${r.id}:${r.city}`);
        const mirrorCities = async () =>
          (
            await world.deps.warehouse.query<{ id: string; city: string }>(
              'select id::text, city from stg.orders__customers where _deleted_at is null order by id',
            )
          ).rows.map((r) => `${r.id}:${r.city}`);
        const want = await lastCities();
        await waitUntil(
          'the last change of every customer in the warehouse',
          async () => JSON.stringify(await mirrorCities()) === JSON.stringify(want),
          240,
        );
        await caughtUp(world);

        const twice = await eventsSentTwice(world);
        const { rows } = await world.deps.warehouse.query<{ n: number }>(
          `select count(*)::int as n from (
             select customer_id, valid_from from dwh.dim_customer where customer_key <> 0
             group by 1, 2 having count(*) > 1) d`,
        );
        expect(rows[0]!.n, 'customer versions held twice').toBe(0);
        const compared = await expectWarehouseEqualsSources(world.writer, world.deps.warehouse);
        return {
          checked: `Debezium sent ${twice} events twice; none held twice; every last change arrived; warehouse = sources`,
          rowsCompared: compared,
        };
      },
    );
  });
});
