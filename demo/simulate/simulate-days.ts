import type { Config } from '../../core/config.ts';
import { TechmarketError } from '../../core/errors.ts';
import { createProgress } from '../../core/progress.ts';
import { createRandom } from '../random/seeded-random.ts';
import { closeSourcePools, openSourcePools } from '../source-pools.ts';
import { addCounts, type ChangeCounts, emptyCounts } from './change-counts.ts';
import type { SimulationDatabases } from './day-context.ts';
import { measureShop, simulateDay } from './simulate-day.ts';

export interface SimulateOptions {
  days: number;
  /** Any word; with the same seed and the same starting data the same choices are made. */
  seed: string;
  quiet?: boolean;
}

export interface SimulateResult {
  days: { day: number; changes: ChangeCounts }[];
  totals: ChangeCounts;
  seconds: number;
}

/**
 * Runs `days` business days against the source databases, one after another, with plain SQL through
 * the owner account. Timestamps come from the database clock and `updated_at` is never written: the
 * database moves it, exactly as for the services, so the ETL's watermarks see every change.
 */
export async function simulateDays(cfg: Config, options: SimulateOptions): Promise<SimulateResult> {
  const pools = openSourcePools(cfg, 2);
  const db: SimulationDatabases = {
    orders: pools.orders.promise(),
    catalog: pools.catalog.promise(),
    payments: pools.payments.promise(),
  };
  const progress = createProgress('simulate', { quiet: options.quiet ?? false });
  const started = performance.now();
  try {
    const days: SimulateResult['days'] = [];
    const totals = emptyCounts();
    for (let day = 1; day <= options.days; day++) {
      const size = await measureShop(db);
      if (size.customers === 0 || size.products === 0) {
        throw new TechmarketError(
          'the source databases hold no customers or products: nothing to simulate on',
          {
            hint: 'run techmarket seed --scale 1 first',
          },
        );
      }
      // The stream depends on where the shop stands, so a second run with the same seed does new things.
      const random = createRandom(options.seed, `simulate/${size.orders}/${size.customers}/${day}`);
      progress.label(`simulate: day ${day} of ${options.days}`);
      const changes = await simulateDay(db, random, size);
      days.push({ day, changes });
      addCounts(totals, changes);
      progress.add(Object.values(changes).reduce((sum, n) => sum + n, 0));
    }
    progress.done();
    return { days, totals, seconds: Number(((performance.now() - started) / 1000).toFixed(2)) };
  } finally {
    await closeSourcePools(pools);
  }
}
