import type { Config } from '../core/config.ts';
import { type SeedResult, seedDemoData } from '../demo/index.ts';

/** The demo anchor day the benchmarks seed around, so their figures compare from one run to the next. */
export const BENCH_ANCHOR_DAY = '2025-06-15';

/**
 * Seeds a scratch's sources with the demo data as every benchmark does (seed 'bench', quietly, into
 * empty databases), then waits past the extract's one-second safety lag so the first run reads it all.
 */
export async function seedForBench(
  config: Config,
  scale: number,
  anchorDay: string = BENCH_ANCHOR_DAY,
): Promise<SeedResult> {
  const seeded = await seedDemoData(config, { scale, seed: 'bench', anchorDay, reset: false, quiet: true });
  await new Promise((r) => setTimeout(r, 1500));
  return seeded;
}
