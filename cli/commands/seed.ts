import { z } from 'zod';
import { anchorDaySchema, scaleSchema, seedSchema } from '../../demo/option-schemas.ts';
import { defineCommand } from '../command.ts';

const seedFlagsSchema = z.object({
  scale: scaleSchema,
  seed: seedSchema,
  anchor: anchorDaySchema.optional(),
  reset: z.boolean().default(false),
});
export type SeedFlags = z.infer<typeof seedFlagsSchema>;

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
  schema: seedFlagsSchema,
  async run(flags, out) {
    const { seed } = await import('../actions/seed.ts');
    return seed(flags, out);
  },
});
