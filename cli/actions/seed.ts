import { config } from '../../core/config.ts';
import { currentUtcDay, seedDemoData } from '../../demo/index.ts';
import type { SeedFlags } from '../commands/seed.ts';
import type { Output } from '../output.ts';

export async function seed(flags: SeedFlags, out: Output): Promise<number> {
  const result = await seedDemoData(config(), {
    scale: flags.scale,
    seed: flags.seed,
    anchorDay: flags.anchor ?? currentUtcDay(),
    reset: flags.reset,
    quiet: out.json,
  });
  out.result(result, () =>
    [
      out.table(result.tables),
      `seeded ${result.rows} rows in ${result.seconds}s (${result.rowsPerSecond} rows/s), seed ${result.seed}, anchor ${result.anchorDay}`,
    ].join('\n'),
  );
  return 0;
}
