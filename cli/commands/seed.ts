import { z } from 'zod';
import { anchorDaySchema, scaleSchema, seedSchema } from '../../demo/option-schemas.ts';
import { defineCommand, type FlagValues, switchFlag, valueFlag } from '../command.ts';

const seedFlags = {
  scale: valueFlag(
    'N',
    'size: 1 ≈ 10,000 customers, 100,000 orders, 350,000 order lines; fractions allowed (required)',
    scaleSchema,
  ),
  seed: valueFlag(
    'S',
    'random seed, any word (default 1); same seed and anchor give identical data',
    seedSchema,
  ),
  anchor: valueFlag(
    'DAY',
    'YYYY-MM-DD, not in the future: data covers the two years before it (default today, UTC)',
    anchorDaySchema.optional(),
  ),
  reset: switchFlag(
    'empty the five source databases first (without it, non-empty databases are refused)',
    z.boolean().default(false),
  ),
};
export type SeedFlags = FlagValues<typeof seedFlags>;

export const seedCommand = defineCommand({
  words: ['seed'],
  summary: 'fill the five source databases with deterministic demo data (scale 1 ≈ 100,000 orders)',
  flags: seedFlags,
  async run(flags, out) {
    const { seed } = await import('../actions/seed.ts');
    return seed(flags, out);
  },
});
