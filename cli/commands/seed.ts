import { z } from 'zod';
import { config } from '../../core/config.ts';
import {
  anchorDaySchema,
  currentUtcDay,
  scaleSchema,
  seedDemoData,
  seedSchema,
} from '../../services/demo-data/index.ts';
import { defineCommand } from '../command.ts';

export const seedCommand = defineCommand({
  words: ['seed'],
  summary: 'fill the five source databases with deterministic demo data (scale 1 ≈ 100,000 orders)',
  flags: {
    scale: { type: 'string' },
    seed: { type: 'string' },
    anchor: { type: 'string' },
    reset: { type: 'boolean' },
  },
  flagHelp: [
    '--scale N       size: 1 ≈ 10,000 customers, 100,000 orders, 350,000 order lines; fractions allowed (required)',
    '--seed S        random seed, any word (default 1); same seed and anchor give identical data',
    '--anchor DAY    YYYY-MM-DD, not in the future: data covers the two years before it (default today, UTC)',
    '--reset         empty the five source databases first (without it, non-empty databases are refused)',
  ],
  schema: z.object({
    scale: scaleSchema,
    seed: seedSchema,
    anchor: anchorDaySchema.optional(),
    reset: z.boolean().default(false),
  }),
  async run(flags, out) {
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
  },
});
