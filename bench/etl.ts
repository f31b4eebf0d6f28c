/**
 * `npm run bench:etl [-- --scales 1,10] [--rounds 3]`: per scale, in one run on the same seeded tables
 * (scratch databases, never the demo ones), round after round: the raw pipe, pgloader's plain copy and
 * our full pipeline into an empty warehouse; then, round after round, the physical chain (raw pipe into
 * a batch table + one keyed INSERT) and our reset-and-re-read of the unchanged order lines; then our
 * incremental run after one simulated day. Prints
 * the medians (and ranges) of rows/s, the ratios the project targets (../shared/BENCHMARKS.md: medians
 * of 3–7 runs; one run of each varies by ±1.5 s at scale 10 here) and peak RSS; writes every round's
 * figures to bench/results/.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { z } from 'zod';
import { REPO_ROOT } from '../core/paths.ts';
import { simulateDays } from '../demo/index.ts';
import { createScratch, scratchEnv } from '../ops/scratch/scratch-databases.ts';
import { qualifiedName, SOURCE_TABLES } from '../pipeline/index.ts';
import { createWarehousePool, resetWatermark } from '../warehouse/index.ts';
import { factWriteFloor } from './etl/fact-write-floor.ts';
import { pgloaderCopy } from './etl/pgloader.ts';
import { runPipelineChild } from './etl/pipeline-child.ts';
import { rawPipe } from './etl/raw-pipe.ts';
import { seedForBench } from './seed-for-bench.ts';

/** The table whose unchanged re-read is measured against the physical chain (issue 18). */
const REREAD_TABLE = 'orders.order_items';

const { values } = parseArgs({
  options: { scales: { type: 'string' }, rounds: { type: 'string' } },
  strict: true,
});
const scales = z
  .string()
  .default('1,10')
  .transform((text) => text.split(',').map(Number))
  .pipe(z.array(z.number().positive().max(100)).min(1))
  .parse(values.scales);
const rounds = z.coerce.number().int().min(1).max(7).default(3).parse(values.rounds);

const rate = (rows: number, seconds: number) => Math.round(rows / seconds);
const fmt = (n: number) => n.toLocaleString('en-US');
const median = (xs: readonly number[]) => {
  const sorted = [...xs].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
};
/** `12.3s (11.9–12.8)`: the median, and the range when there are several rounds. */
const seconds = (xs: readonly number[], digits = 1) =>
  `${median(xs).toFixed(digits)}s${xs.length > 1 ? ` (${Math.min(...xs).toFixed(digits)}–${Math.max(...xs).toFixed(digits)})` : ''}`;
const results = [];

for (const scale of scales) {
  process.stderr.write(`\n== scale ${scale}: seeding scratch databases\n`);
  const scratch = await createScratch();
  try {
    await seedForBench(scratch.config, scale);
    const parallelism = scratch.config.ETL_EXTRACT_PARALLELISM;
    const rereadTable = SOURCE_TABLES.find((t) => qualifiedName(t) === REREAD_TABLE)!;
    // Rounds interleave the three, so that whatever else the machine does weighs on each alike.
    const pipes = [];
    const pgloaders = [];
    const fulls = [];
    for (let round = 1; round <= rounds; round++) {
      const of = rounds > 1 ? ` (round ${round} of ${rounds})` : '';
      process.stderr.write(`raw pipe${of}…\n`);
      pipes.push(await rawPipe(scratch.config, SOURCE_TABLES, parallelism));
      process.stderr.write(`pgloader${of}…\n`);
      pgloaders.push(await pgloaderCopy(scratch.config, SOURCE_TABLES, pipes[0]!.rows));
      process.stderr.write(`our full pipeline${of}…\n`);
      if (round > 1) await scratch.resetWarehouse();
      fulls.push(await runPipelineChild(scratchEnv(scratch), scratch.config.DWH_URL));
    }
    // What writing the fact costs at the least, on the fact the last full round built (issue 18).
    process.stderr.write('the floor of writing the fact…\n');
    const floor = await factWriteFloor(scratch.config.DWH_URL);
    // The re-read of an unchanged table (issue 18) against the physical chain on the same rows, in
    // rounds of their own, interleaved, on the warehouse the last full round loaded.
    const chains = [];
    const rereads = [];
    for (let round = 1; round <= rounds; round++) {
      const of = rounds > 1 ? ` (round ${round} of ${rounds})` : '';
      process.stderr.write(`physical chain for ${REREAD_TABLE}${of}…\n`);
      chains.push(await rawPipe(scratch.config, [rereadTable], 1, { keyed: true }));
      process.stderr.write(`our reset and re-read of ${REREAD_TABLE}${of}…\n`);
      const dwh = createWarehousePool(scratch.config.DWH_URL, { max: 1 });
      await resetWatermark(dwh, REREAD_TABLE);
      await dwh.end();
      rereads.push(
        await runPipelineChild(scratchEnv(scratch), scratch.config.DWH_URL, ['--tables', REREAD_TABLE]),
      );
    }
    process.stderr.write('one simulated day, then our incremental run…\n');
    const day = await simulateDays(scratch.config, { days: 1, seed: 'bench', quiet: true });
    await new Promise((r) => setTimeout(r, 1500));
    const incremental = await runPipelineChild(scratchEnv(scratch), scratch.config.DWH_URL);
    const rows = fulls[0]!.rows;
    const pipeSeconds = median(pipes.map((p) => p.seconds));
    const pipeCoreSeconds = median(pipes.map((p) => p.coreSeconds));
    const pgloaderSeconds = median(pgloaders.map((p) => p.seconds));
    const extractSeconds = median(fulls.map((f) => f.extractSeconds));
    const fullSeconds = median(fulls.map((f) => f.seconds));
    const chainSeconds = median(chains.map((c) => c.seconds));
    const rereadSeconds = median(rereads.map((r) => r.seconds));
    const figures = {
      scale,
      rows,
      rounds,
      rawPipe: {
        rounds: pipes,
        medianSeconds: pipeSeconds,
        rowsPerSecond: rate(pipes[0]!.rows, pipeSeconds),
      },
      pgloader: {
        rounds: pgloaders,
        medianSeconds: pgloaderSeconds,
        rowsPerSecond: rate(pgloaders[0]!.rows, pgloaderSeconds),
      },
      full: {
        rounds: fulls,
        medianSeconds: fullSeconds,
        medianExtractSeconds: extractSeconds,
        extractRowsPerSecond: rate(rows, extractSeconds),
        rowsPerSecond: rate(rows, fullSeconds),
        peakRssMiB: Math.max(...fulls.map((f) => f.peakRssMiB)),
        medianCoreSeconds: median(fulls.map((f) => f.coreSeconds)),
      },
      factWriteFloor: floor,
      reread: {
        table: REREAD_TABLE,
        rows: rereads[0]!.rows,
        chain: { rounds: chains, medianSeconds: chainSeconds },
        rounds: rereads,
        medianSeconds: rereadSeconds,
        peakRssMiB: Math.max(...rereads.map((r) => r.peakRssMiB)),
      },
      incremental: {
        ...incremental,
        changedBySimulation: Object.values(day.totals).reduce((a, b) => a + b, 0),
      },
      ratios: {
        extractVsRawPipe: rate(rows, extractSeconds) / rate(pipes[0]!.rows, pipeSeconds),
        pipelineVsPgloader: rate(rows, fullSeconds) / rate(pgloaders[0]!.rows, pgloaderSeconds),
        incrementalVsFull: incremental.seconds / fullSeconds,
        rereadVsChain: chainSeconds / rereadSeconds,
      },
    };
    results.push(figures);
    process.stdout.write(
      [
        `scale ${scale}: ${fmt(rows)} source rows, median of ${rounds} round${rounds > 1 ? 's' : ''} (range)`,
        `  raw pipe (mariadb | psql COPY, ${parallelism} at once)  ${fmt(figures.rawPipe.rowsPerSecond)} rows/s  ${seconds(pipes.map((p) => p.seconds))}`,
        `  pgloader plain copy                       ${fmt(figures.pgloader.rowsPerSecond)} rows/s  ${seconds(pgloaders.map((p) => p.seconds))}`,
        `  ours: extract + COPY into staging         ${fmt(figures.full.extractRowsPerSecond)} rows/s  ${seconds(fulls.map((f) => f.extractSeconds))}  = ${figures.ratios.extractVsRawPipe.toFixed(2)}× the raw pipe (goal ≥ 1.0)`,
        `  ours: whole pipeline into the star schema ${fmt(figures.full.rowsPerSecond)} rows/s  ${seconds(fulls.map((f) => f.seconds))}  = ${figures.ratios.pipelineVsPgloader.toFixed(2)}× pgloader (goal ≥ 2 at scale 10)`,
        `    of which the fact ${seconds(
          fulls.map((f) => f.phases.factSeconds),
          2,
        )}, the rollups ${seconds(
          fulls.map((f) => f.phases.rollupSeconds),
          2,
        )}, the DQ gate ${seconds(
          fulls.map((f) => f.phases.gateSeconds),
          2,
        )}`,
        `    core-seconds busy (whole machine): the raw pipe ${pipeCoreSeconds.toFixed(1)}, pgloader ${median(pgloaders.map((p) => p.coreSeconds)).toFixed(1)}, ours ${figures.full.medianCoreSeconds.toFixed(1)}`,
        `  floor: the built fact (${fmt(floor.rows)} rows) written again alone ${floor.write.seconds.toFixed(2)}s (${floor.write.coreSeconds.toFixed(1)} core-s), its indexes ${floor.indexes.seconds.toFixed(2)}s (${floor.indexes.coreSeconds.toFixed(1)}), one scan ${floor.scan.seconds.toFixed(2)}s, one plain rollup ${floor.oneRollup.seconds.toFixed(2)}s (${floor.oneRollup.coreSeconds.toFixed(1)})`,
        `    raw pipe + that write + those indexes + 4 plain rollups = ${(pipeSeconds + floor.write.seconds + floor.indexes.seconds + 4 * floor.oneRollup.seconds).toFixed(1)}s and ${(pipeCoreSeconds + floor.write.coreSeconds + floor.indexes.coreSeconds + 4 * floor.oneRollup.coreSeconds).toFixed(1)} core-s, against ${(pgloaderSeconds / 2).toFixed(1)}s (${pgloaderSeconds.toFixed(1)} core-s on 2 cores) for 2× pgloader, before any dimension, join or DQ check`,
        `  physical chain (pipe + one keyed INSERT)  ${fmt(rate(chains[0]!.rows, chainSeconds))} rows/s  ${seconds(
          chains.map((c) => c.seconds),
          2,
        )}  ${REREAD_TABLE}, ${fmt(chains[0]!.rows)} rows`,
        `  ours: reset and re-read, nothing changed ${fmt(rate(rereads[0]!.rows, rereadSeconds))} rows/s  ${seconds(
          rereads.map((r) => r.seconds),
          2,
        )}  = ${figures.ratios.rereadVsChain.toFixed(2)}× the physical chain (goal ≥ 0.6)`,
        `  ours: incremental after one day           ${incremental.seconds.toFixed(2)}s for ${fmt(figures.incremental.changedBySimulation)} changes = ${(figures.ratios.incrementalVsFull * 100).toFixed(1)}% of the full run (goal ≤ 10%)`,
        `  load average at the end: ${loadavg()
          .map((l) => l.toFixed(1))
          .join(' ')} (${cpus().length} cores; ratios are noisy when it is above that)`,
        `  peak RSS: full ${figures.full.peakRssMiB.toFixed(0)} MiB (highest round), incremental ${incremental.peakRssMiB.toFixed(0)} MiB (goal < 300, flat across scales)`,
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
