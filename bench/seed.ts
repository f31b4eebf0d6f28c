/**
 * `npm run bench:seed [-- --scales 1,10]`: seeds each scale into scratch databases of its own (never
 * the demo databases), prints rows, seconds and rows/s per scale, and drops the scratch databases.
 * The anchor is fixed so every run generates the same bytes and runs compare.
 */
import { parseArgs } from 'node:util';
import { z } from 'zod';
import { seedDemoData } from '../demo/index.ts';
import { createScratch } from '../ops/scratch/scratch-databases.ts';

const BENCH_ANCHOR_DAY = '2025-06-15';

const argsSchema = z.object({
  scales: z
    .string()
    .default('1,10')
    .transform((text) => text.split(',').map((s) => Number(s.trim())))
    .pipe(z.array(z.number().positive().max(100)).min(1)),
  json: z.boolean().default(false),
});

const { values } = parseArgs({
  options: { scales: { type: 'string' }, json: { type: 'boolean' } },
  strict: true,
});
const parsed = argsSchema.safeParse(values);
if (!parsed.success) {
  process.stderr.write(`bench:seed: --scales ${parsed.error.issues[0]!.message} (e.g. --scales 1,10)\n`);
  process.exit(2);
}
const { scales, json } = parsed.data;

interface BenchFigure {
  scale: number;
  rows: number;
  seconds: number;
  rowsPerSecond: number;
  orderItems: number;
}

const figures: BenchFigure[] = [];
for (const scale of scales) {
  const scratch = await createScratch();
  try {
    const result = await seedDemoData(scratch.config, {
      scale,
      seed: 'bench',
      anchorDay: BENCH_ANCHOR_DAY,
      reset: false,
      quiet: json,
    });
    figures.push({
      scale,
      rows: result.rows,
      seconds: result.seconds,
      rowsPerSecond: result.rowsPerSecond,
      orderItems: result.tables.find((t) => t.table === 'orders.order_items')?.rows ?? 0,
    });
  } finally {
    await scratch.drop();
  }
}

if (json) {
  process.stdout.write(`${JSON.stringify({ benchmark: 'seed', figures }, null, 2)}\n`);
} else {
  process.stdout.write('\nseed benchmark (LOAD DATA LOCAL INFILE from streamed generated rows)\n');
  process.stdout.write('scale        rows  order_items  seconds     rows/s\n');
  for (const f of figures) {
    process.stdout.write(
      `${String(f.scale).padStart(5)} ${String(f.rows).padStart(11)} ${String(f.orderItems).padStart(12)} ${f.seconds
        .toFixed(1)
        .padStart(8)} ${String(f.rowsPerSecond).padStart(10)}\n`,
    );
  }
}
