/**
 * `npm run bench:etl [-- --scales 1,10]`: per scale, in one run on the same seeded tables (scratch
 * databases, never the demo ones): the raw pipe, pgloader's plain copy, our full pipeline, then our
 * incremental run after one simulated day. Prints rows/s, the ratios the project targets
 * (../shared/BENCHMARKS.md) and peak RSS; writes the figures to bench/results/.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { z } from 'zod';
import { REPO_ROOT } from '../core/paths.ts';
import { SOURCE_TABLES } from '../pipeline/index.ts';
import { seedDemoData, simulateDays } from '../services/demo-data/index.ts';
import { createScratch, scratchEnv } from '../tests/support/scratch.ts';
import { pgloaderCopy } from './etl/pgloader.ts';
import { runPipelineChild } from './etl/pipeline-child.ts';
import { rawPipe } from './etl/raw-pipe.ts';

const BENCH_ANCHOR_DAY = '2025-06-15';

const { values } = parseArgs({ options: { scales: { type: 'string' } }, strict: true });
const scales = z
  .string()
  .default('1,10')
  .transform((text) => text.split(',').map(Number))
  .pipe(z.array(z.number().positive().max(100)).min(1))
  .parse(values.scales);

const rate = (rows: number, seconds: number) => Math.round(rows / seconds);
const fmt = (n: number) => n.toLocaleString('en-US');
const results = [];

for (const scale of scales) {
  process.stderr.write(`\n== scale ${scale}: seeding scratch databases\n`);
  const scratch = await createScratch();
  try {
    await seedDemoData(scratch.config, {
      scale,
      seed: 'bench',
      anchorDay: BENCH_ANCHOR_DAY,
      reset: false,
      quiet: true,
    });
    await new Promise((r) => setTimeout(r, 1500)); // past the extract's safety lag
    process.stderr.write('raw pipe…\n');
    const parallelism = scratch.config.ETL_EXTRACT_PARALLELISM;
    const pipe = await rawPipe(scratch.config, SOURCE_TABLES, parallelism);
    process.stderr.write('pgloader…\n');
    const pgloader = await pgloaderCopy(scratch.config, SOURCE_TABLES, pipe.rows);
    process.stderr.write('our full pipeline…\n');
    const full = await runPipelineChild(scratchEnv(scratch), scratch.config.DWH_URL);
    process.stderr.write('one simulated day, then our incremental run…\n');
    const day = await simulateDays(scratch.config, { days: 1, seed: 'bench', quiet: true });
    await new Promise((r) => setTimeout(r, 1500));
    const incremental = await runPipelineChild(scratchEnv(scratch), scratch.config.DWH_URL);
    const figures = {
      scale,
      rows: full.rows,
      rawPipe: { ...pipe, rowsPerSecond: rate(pipe.rows, pipe.seconds) },
      pgloader: { ...pgloader, rowsPerSecond: rate(pgloader.rows, pgloader.seconds) },
      full: {
        ...full,
        extractRowsPerSecond: rate(full.rows, full.extractSeconds),
        rowsPerSecond: rate(full.rows, full.seconds),
      },
      incremental: {
        ...incremental,
        changedBySimulation: Object.values(day.totals).reduce((a, b) => a + b, 0),
      },
      ratios: {
        extractVsRawPipe: rate(full.rows, full.extractSeconds) / rate(pipe.rows, pipe.seconds),
        pipelineVsPgloader: rate(full.rows, full.seconds) / rate(pgloader.rows, pgloader.seconds),
        incrementalVsFull: incremental.seconds / full.seconds,
      },
    };
    results.push(figures);
    process.stdout.write(
      [
        `scale ${scale}: ${fmt(full.rows)} source rows`,
        `  raw pipe (mariadb | psql COPY, ${parallelism} at once)  ${fmt(figures.rawPipe.rowsPerSecond)} rows/s  (${pipe.seconds.toFixed(1)}s)`,
        `  pgloader plain copy                       ${fmt(figures.pgloader.rowsPerSecond)} rows/s  (${pgloader.seconds.toFixed(1)}s)`,
        `  ours: extract + COPY into staging         ${fmt(figures.full.extractRowsPerSecond)} rows/s  (${full.extractSeconds.toFixed(1)}s)  = ${figures.ratios.extractVsRawPipe.toFixed(2)}× the raw pipe (goal ≥ 0.8)`,
        `  ours: whole pipeline into the star schema ${fmt(figures.full.rowsPerSecond)} rows/s  (${full.seconds.toFixed(1)}s)  = ${figures.ratios.pipelineVsPgloader.toFixed(2)}× pgloader (goal > 1)`,
        `  ours: incremental after one day           ${incremental.seconds.toFixed(2)}s for ${fmt(figures.incremental.changedBySimulation)} changes = ${(figures.ratios.incrementalVsFull * 100).toFixed(1)}% of the full run (goal ≤ 10%)`,
        `  peak RSS: full ${full.peakRssMiB.toFixed(0)} MiB, incremental ${incremental.peakRssMiB.toFixed(0)} MiB (goal < 300, flat across scales)`,
        '',
      ].join('\n'),
    );
  } finally {
    await scratch.drop();
  }
}

const dir = join(REPO_ROOT, 'bench/results');
mkdirSync(dir, { recursive: true });
const file = join(dir, `etl-${new Date().toISOString().replace(/[:.]/g, '-')}.json`);
writeFileSync(file, `${JSON.stringify(results, null, 2)}\n`);
process.stdout.write(`figures written to ${file}\n`);
