import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ensureParts } from '../infra/ensure-parts.ts';
import {
  type CdcFaultWorld,
  caughtUp,
  changeSources,
  eventsApplied,
  groupOffsets,
  pausedAt,
  STARTED,
  startCdcFaultWorld,
  startConsumerProcess,
  storedOffsets,
} from './support/cdc-fault-world.ts';
import { expectWarehouseEqualsSources } from './support/invariants.ts';
import { scenario } from './support/summary.ts';

/**
 * Scenario 5 of issue 19, the consumer's half: the CDC consumer (`techmarket cdc start`, a real
 * process) killed between its warehouse commit and its Kafka commit. Effectively once is checked by
 * counting: the events the warehouse counted as applied (in the transaction that applied them) grow
 * by exactly the messages between the stored offsets before and after — an event applied twice
 * would count twice.
 */
let world: CdcFaultWorld;
beforeAll(async () => {
  await ensureParts('postgres', 'mariadb', 'kafka', 'kafka-connect');
  world = await startCdcFaultWorld();
}, 600_000);
afterAll(async () => {
  await world?.close();
});

const sum = (offsets: Map<string, bigint>) => [...offsets.values()].reduce((a, b) => a + b, 0n);

describe('the CDC consumer under faults', () => {
  it('killed after the warehouse commit, before the Kafka commit: the restart applies nothing twice', async () => {
    await scenario(
      {
        scenario: '5. CDC consumer killed between warehouse and Kafka commits',
        fault: 'SIGKILL at fault point cdc-after-warehouse-commit',
      },
      async () => {
        const appliedBefore = await eventsApplied(world);
        const offsetsBefore = await storedOffsets(world);
        const first = startConsumerProcess(world.scratch.config, 'cdc-after-warehouse-commit');
        await first.waitFor(STARTED);
        await changeSources(world, 5, 'before kill');
        await first.waitFor(pausedAt('cdc-after-warehouse-commit'));

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
});
