import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CDC_APPLY_LOCK, consumerGroup, deadLetterTopic } from '../../pipeline/cdc/index.ts';
import { kafkaFor } from '../cdc/cdc-support.ts';
import { ensureParts } from '../infra/ensure-parts.ts';
import { waitUntil } from '../support/wait-until.ts';
import {
  type CdcFaultWorld,
  type ConsumerProcess,
  caughtUp,
  changeSources,
  endOffsets,
  eventsApplied,
  groupOffsets,
  STARTED,
  startCdcFaultWorld,
  startConsumerProcess,
  storedOffsets,
} from './support/cdc-fault-world.ts';
import { expectWarehouseEqualsSources } from './support/invariants.ts';
import { scenario } from './support/summary.ts';

/**
 * Scenario 5 of issue 19, the consumer's half: the CDC consumer (`techmarket cdc start`, a real
 * process) killed between its warehouse commit and its Kafka commit; poison messages on a change
 * topic; a second member joining the consumer group mid-stream. Effectively once is checked by
 * counting: the events the warehouse counted as applied (in the transaction that applied them) grow
 * by exactly the messages between the stored offsets before and after — an event applied twice
 * would count twice.
 */
let world: CdcFaultWorld;
/** The consumer the poison and rebalance scenarios share. */
let running: ConsumerProcess | undefined;
beforeAll(async () => {
  await ensureParts('postgres', 'mariadb', 'kafka', 'kafka-connect');
  world = await startCdcFaultWorld();
}, 600_000);
afterAll(async () => {
  await running?.kill('SIGTERM');
  await world?.close();
});

const sum = (offsets: Map<string, bigint>) => [...offsets.values()].reduce((a, b) => a + b, 0n);

describe('the CDC consumer under faults', () => {
  it('killed after the warehouse commit, before the Kafka commit: the restart applies nothing twice', async () => {
    await scenario(
      {
        scenario: '5. CDC consumer killed between warehouse and Kafka commits',
        fault: 'SIGKILL while stopped at fault point cdc-after-warehouse-commit',
      },
      async () => {
        const appliedBefore = await eventsApplied(world);
        const offsetsBefore = await storedOffsets(world);
        const first = startConsumerProcess(world.scratch.config, 'cdc-after-warehouse-commit');
        await first.waitFor(STARTED);
        await changeSources(world, 5, 'before kill');
        await first.waitUntilPaused();

        // The window is real: the warehouse holds a batch whose offsets Kafka's group never heard of.
        const stored = await storedOffsets(world);
        const group = await groupOffsets(world);
        expect(sum(stored)).toBeGreaterThan(sum(offsetsBefore));
        expect(
          world.topics.some((t) => (group.get(t) ?? -1n) < (stored.get(t) ?? 0n)),
          `group offsets ${[...group]} behind stored ${[...stored]}`,
        ).toBe(true);
        const killed = await first.kill('SIGKILL');
        expect(killed.signal).toBe('SIGKILL');

        await changeSources(world, 3, 'after kill');
        const second = startConsumerProcess(world.scratch.config);
        try {
          await second.waitFor(STARTED);
          await caughtUp(world);
        } finally {
          await second.kill('SIGTERM');
        }
        const offsetsAfter = await storedOffsets(world);
        const messages = Number(sum(offsetsAfter) - sum(offsetsBefore));
        expect(await eventsApplied(world), 'events applied = messages consumed (none twice)').toBe(
          appliedBefore + messages,
        );
        const rows = await expectWarehouseEqualsSources(world.writer, world.deps.warehouse);
        return {
          checked: `applied ${messages} events for ${messages} messages; warehouse = sources`,
          rowsCompared: rows,
        };
      },
    );
  });

  it('a held catch-up load loses its warehouse connection: the held batches are read again, none lost, none twice', async () => {
    await scenario(
      {
        scenario: '5. CDC catch-up load loses its connection while holding batches',
        fault: "pg_terminate_backend of the load's connection while stopped at fault point cdc-load-held",
      },
      async () => {
        const appliedBefore = await eventsApplied(world);
        const offsetsBefore = await storedOffsets(world);
        // A backlog in Kafka before the consumer starts: 40 orders, 80 lines, 40 customer updates.
        await changeSources(world, 40, 'backlog');
        await waitUntil(
          'the backlog in Kafka',
          async () => sum(await endOffsets(world)) - sum(offsetsBefore) >= 160n,
        );
        // Batches of one fetch each (one topic), held while the other topics' messages wait.
        const consumer = startConsumerProcess(world.scratch.config, 'cdc-load-held', [
          '--max-batch',
          '20',
          '--hold-while-backlog',
          '20',
        ]);
        try {
          await consumer.waitUntilPaused();
          // Held: its batch is staged in the load's run, its offsets are not stored.
          expect(sum(await storedOffsets(world))).toBe(sum(offsetsBefore));
          const { rows } = await world.deps.warehouse.query<{ killed: boolean }>(
            `select pg_terminate_backend(pid) as killed from pg_locks
             where locktype = 'advisory' and granted
               and database = (select oid from pg_database where datname = current_database())
               and objid::bigint = (hashtext($1)::bigint & 4294967295)
               and classid::bigint = ((hashtext($1)::bigint >> 32) & 4294967295)`,
            [CDC_APPLY_LOCK],
          );
          expect(rows, 'the held load’s connection').toEqual([{ killed: true }]);
          // The replay holds again (and stops there each time): let it go on until it caught up.
          await waitUntil('the consumer to catch up after the replay', async () => {
            if (consumer.paused()) consumer.child.kill('SIGCONT');
            const ends = await endOffsets(world);
            const stored = await storedOffsets(world);
            return [...ends].every(([topic, end]) => (stored.get(topic) ?? -1n) >= end);
          });
          expect(consumer.output()).toContain('the catch-up load holding earlier batches failed');
        } finally {
          if (consumer.paused()) consumer.child.kill('SIGCONT');
          await consumer.kill('SIGTERM');
        }
        const messages = Number(sum(await storedOffsets(world)) - sum(offsetsBefore));
        expect(messages).toBeGreaterThanOrEqual(160);
        expect(await eventsApplied(world), 'events applied = messages consumed (none twice)').toBe(
          appliedBefore + messages,
        );
        const rows = await expectWarehouseEqualsSources(world.writer, world.deps.warehouse);
        return {
          checked: `load lost while holding; ${messages} events read again and applied once; warehouse = sources`,
          rowsCompared: rows,
        };
      },
    );
  });

  it('dead-letters poison messages with topic, partition, offset and reason; no later event is lost', async () => {
    await scenario(
      {
        scenario: '5. poison messages on a CDC change topic',
        fault: 'malformed JSON, a non-Debezium event, a value the warehouse refuses',
      },
      async () => {
        running = startConsumerProcess(world.scratch.config);
        await running.waitFor(STARTED);
        const appliedBefore = await eventsApplied(world);
        const offsetsBefore = await storedOffsets(world);
        const [customers, orders] = world.topics as [string, string];
        const microsNow = Date.now() * 1000;
        const poison = [
          { topic: customers, value: '{"op":"u","after":{"id":', reason: /^not JSON: / },
          {
            topic: customers,
            value: '{"op":"u","after":{"id":"not a number"}}',
            reason: /^not a Debezium change event: /,
          },
          {
            topic: orders,
            // Valid JSON and a Debezium envelope, but numeric(12,2) cannot hold the amount: COPY
            // would fail the whole batch, again and again, if it were not refused here.
            value: JSON.stringify({
              op: 'c',
              before: null,
              after: {
                id: 990_001,
                updated_at: microsNow,
                created_at: microsNow,
                total_amount: '123456789012.00',
              },
              source: { db: 'orders', table: 'orders', ts_ms: Date.now() },
            }),
            reason: /^total_amount: must be an exact decimal string of at most 10 digits/,
          },
        ];
        const producer = kafkaFor(world.scratch.config).producer();
        await producer.connect();
        const sent: { topic: string; offset: string }[] = [];
        for (const p of poison) {
          const [meta] = await producer.send({
            topic: p.topic,
            messages: [{ key: '{"id":1}', value: p.value }],
          });
          sent.push({ topic: p.topic, offset: meta!.baseOffset! });
        }
        await producer.disconnect();
        await changeSources(world, 3, 'after poison');
        await caughtUp(world);

        const letters = await readDeadLetters(world, poison.length);
        for (const [i, p] of poison.entries()) {
          const letter = letters.find(
            (l) => l['cdc.topic'] === sent[i]!.topic && l['cdc.offset'] === sent[i]!.offset,
          );
          expect(letter, `dead letter for ${sent[i]!.topic}@${sent[i]!.offset}`).toBeDefined();
          expect(letter!['cdc.partition']).toBe('0');
          expect(letter!['cdc.reason']).toMatch(p.reason);
        }
        const messages = Number(sum(await storedOffsets(world)) - sum(offsetsBefore));
        expect(await eventsApplied(world), 'events applied = messages consumed − dead letters').toBe(
          appliedBefore + messages - poison.length,
        );
        const rows = await expectWarehouseEqualsSources(world.writer, world.deps.warehouse);
        return {
          checked: `${poison.length} dead letters with topic/partition/offset/reason; ${messages - poison.length} events applied once; warehouse = sources`,
          rowsCompared: rows,
        };
      },
    );
  });

  it('a second member joining the consumer group mid-stream loses nothing and applies nothing twice', async () => {
    await scenario(
      {
        scenario: '5. CDC consumer group rebalance mid-batch',
        fault: 'a second member joins the group (and commits offsets), then leaves',
      },
      async () => {
        if (!running) {
          running = startConsumerProcess(world.scratch.config);
          await running.waitFor(STARTED);
        }
        const appliedBefore = await eventsApplied(world);
        const offsetsBefore = await storedOffsets(world);
        // Debezium creates a change topic with its first event: the second member needs them all.
        await changeSources(world, 1, 'topics exist');
        await waitUntil(
          'every change topic',
          async () => (await endOffsets(world).catch(() => null)) !== null,
        );
        // Changes flow while the second member joins: the rebalance lands in the middle of batches.
        const before = changeSources(world, 6, 'rebalance');
        // A member that reads and commits as it goes: the worst a stray second consumer can do.
        const intruder = kafkaFor(world.scratch.config).consumer({
          groupId: consumerGroup(world.scratch.config),
        });
        let assigned: Record<string, number[]> = {};
        intruder.on(intruder.events.GROUP_JOIN, (e) => {
          assigned = e.payload.memberAssignment;
        });
        let intercepted = 0;
        await intruder.connect();
        await intruder.subscribe({ topics: world.topics, fromBeginning: false });
        await intruder.run({
          autoCommit: true,
          eachMessage: async () => {
            intercepted++;
          },
        });
        await before;
        await waitUntil(
          'the second member to be given partitions',
          () => Object.keys(assigned).length > 0,
          60,
        );
        await changeSources(world, 6, 'while shared');
        await waitUntil('the second member to take messages', () => intercepted > 0, 180);
        // The consumer restarted while the second member holds partitions: it rejoins with a share
        // and is given the rest back later, with nothing of its own committed for them in Kafka.
        await running.kill('SIGTERM');
        running = startConsumerProcess(world.scratch.config);
        await running.waitFor(STARTED);
        const sharedAgain = intercepted;
        await changeSources(world, 6, 'after restart');
        await waitUntil('the second member to take more', () => intercepted > sharedAgain, 180);
        // It leaves having committed the end of what it was given, as a member that read it all would.
        const ends = await endOffsets(world);
        await intruder.commitOffsets(
          Object.entries(assigned).flatMap(([topic, partitions]) =>
            partitions.map((partition) => ({ topic, partition, offset: String(ends.get(topic)) })),
          ),
        );
        await intruder.disconnect();
        await changeSources(world, 2, 'after rebalance');
        await caughtUp(world);

        const messages = Number(sum(await storedOffsets(world)) - sum(offsetsBefore));
        expect(await eventsApplied(world), 'events applied = messages consumed (none twice)').toBe(
          appliedBefore + messages,
        );
        const rows = await expectWarehouseEqualsSources(world.writer, world.deps.warehouse);
        return {
          checked: `second member took ${intercepted} messages; ${messages} applied once; warehouse = sources`,
          rowsCompared: rows,
        };
      },
    );
  });
});

/** The dead-letter topic's headers, read from the start until `n` letters are in. */
async function readDeadLetters(w: CdcFaultWorld, n: number): Promise<Record<string, string>[]> {
  const reader = kafkaFor(w.scratch.config).consumer({ groupId: `dlq-reader-${w.scratch.suffix}` });
  const letters: Record<string, string>[] = [];
  await reader.connect();
  try {
    await reader.subscribe({ topic: deadLetterTopic(w.scratch.config), fromBeginning: true });
    await reader.run({
      eachMessage: async ({ message }) => {
        letters.push(
          Object.fromEntries(Object.entries(message.headers ?? {}).map(([k, v]) => [k, String(v)])),
        );
      },
    });
    await waitUntil(`${n} dead letters`, () => letters.length >= n, 60);
  } finally {
    await reader.disconnect();
  }
  return letters;
}
