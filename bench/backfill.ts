/**
 * `npm run bench:backfill [-- --scales 1,10] [--rounds 1] [--windows 30,365] [--halves]`: per scale, on one
 * seeded warehouse (scratch databases, after a first full load): each window backfilled through
 * Temporal (a worker in this process, the backfill workflow) and with the --local runner, round after
 * round interleaved (after one untimed run each way; odd rounds Temporal first, even --local first);
 * then `etl run` through Temporal (the daily workflow) against `runPipeline` with
 * nothing new to read, which is the orchestration's overhead alone. Prints medians and the ratios
 * issue #20 targets (Temporal/--local ≤ 1.0 for 30 days, < 1 for 365; etl run within 0.3 s), then
 * where the last round's time went: the workflow's phases from its event history (bench/workflow-phases.ts)
 * beside --local's own phases.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { NativeConnection } from '@temporalio/worker';
import { z } from 'zod';
import { REPO_ROOT } from '../core/paths.ts';
import { createScratch } from '../ops/scratch/scratch-databases.ts';
import {
  createPipelineDeps,
  type PipelineDeps,
  type PipelineProgress,
  runPipeline,
  SOURCE_TABLES,
} from '../pipeline/index.ts';
import type { BackfillOutcome } from '../workflows/backfill.ts';
import { connectTemporal } from '../workflows/client.ts';
import { startBackfill, startDailyPipeline } from '../workflows/start-workflows.ts';
import { createEtlWorker } from '../workflows/worker.ts';
import { BENCH_ANCHOR_DAY, seedForBench } from './seed-for-bench.ts';
import { formatPhases, workflowPhases } from './workflow-phases.ts';

const { values } = parseArgs({
  options: {
    scales: { type: 'string' },
    rounds: { type: 'string' },
    windows: { type: 'string' },
    halves: { type: 'boolean', default: false },
  },
  strict: true,
});
const list = (fallback: string, max: number) =>
  z
    .string()
    .default(fallback)
    .transform((text) => text.split(',').map(Number))
    .pipe(z.array(z.number().int().positive().max(max)).min(1));
const scales = list('1', 100).parse(values.scales);
const windows = list('30,365', 366).parse(values.windows);
const rounds = z.coerce.number().int().min(1).max(7).default(1).parse(values.rounds);

const day = (ms: number) => new Date(ms).toISOString().slice(0, 10);
const median = (xs: readonly number[]) => {
  const sorted = [...xs].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
};
const fmt = (n: number) => Math.round(n).toLocaleString('en-US');

/** `runPipeline`'s phases as it announces them, timed: --local's side of the phase comparison. */
function phaseTimer() {
  const began = performance.now();
  const marks: [string, number][] = [['begin', began]];
  let ended: number | undefined;
  return {
    progress: { phase: (name: string) => marks.push([name, performance.now()]), rows() {}, step() {} },
    /** The run ended: the last phase ends here, not when the line is printed after other runs. */
    stop: () => {
      ended = performance.now();
    },
    line: () => {
      const ends = [...marks.slice(1).map(([, t]) => t), ended ?? performance.now()];
      return marks.map(([name, t], i) => `${name} ${((ends[i]! - t) / 1000).toFixed(2)}s`).join(', ');
    },
  };
}
const results = [];

/** Odd rounds run Temporal first, even rounds --local first: neither always pays for going first. */
async function inTurn(round: number, viaTemporal: () => Promise<void>, viaLocal: () => Promise<void>) {
  for (const run of round % 2 === 1 ? [viaTemporal, viaLocal] : [viaLocal, viaTemporal]) await run();
}

const fetchHistory = (handle: { fetchHistory(): Promise<{ events?: HistoryEvent[] | null }> }) =>
  handle.fetchHistory();
type HistoryEvent = Parameters<typeof workflowPhases>[0][number];

/** One `etl backfill --local` over whole days, as the CLI runs it. */
const localBackfill = (deps: PipelineDeps, from: string, to: string, progress: PipelineProgress) =>
  runPipeline(
    deps,
    {
      tables: SOURCE_TABLES,
      kind: 'backfill',
      trigger: 'bench',
      windowFrom: `${from} 00:00:00.000000`,
      windowTo: `${to} 23:59:59.999999`,
    },
    progress,
  );

/**
 * `--halves`: the window as two --local backfill runs, the second beginning when the first's transform
 * does, so its reads overlap that load (the two loads still take the load lock in turn). What a
 * pipelined orchestration (extract group 2 while group 1 loads) would gain on this machine.
 */
async function backfillInOverlappedHalves(
  [firstDeps, secondDeps]: readonly [PipelineDeps, PipelineDeps],
  from: string,
  to: string,
): Promise<number> {
  const first = Date.parse(`${from}T00:00:00Z`);
  const days = (Date.parse(`${to}T00:00:00Z`) - first) / 86_400_000 + 1;
  const firstHalfEnd = day(first + (Math.ceil(days / 2) - 1) * 86_400_000);
  const secondHalfStart = day(first + Math.ceil(days / 2) * 86_400_000);
  const backfillRun = (deps: PipelineDeps, a: string, b: string, onTransform = () => {}) =>
    localBackfill(deps, a, b, {
      phase: (name) => name === 'transform' && onTransform(),
      rows() {},
      step() {},
    });
  const started = performance.now();
  let second: Promise<unknown> = Promise.resolve();
  try {
    await backfillRun(firstDeps, from, firstHalfEnd, () => {
      second = backfillRun(secondDeps, secondHalfStart, to);
    });
  } finally {
    await second; // started or not, it is not left running (or failing) unawaited
  }
  return (performance.now() - started) / 1000;
}

for (const scale of scales) {
  process.stderr.write(`\n== scale ${scale}: seeding scratch databases, then a first full load\n`);
  const scratch = await createScratch();
  const deps = createPipelineDeps(scratch.config);
  // --halves: the second half runs on pools of its own, beside the first's.
  const halvesDeps = values.halves ? ([deps, createPipelineDeps(scratch.config)] as const) : undefined;
  const connection = await NativeConnection.connect({ address: scratch.config.TEMPORAL_ADDRESS });
  const taskQueue = `bench-backfill-${process.pid}-${scale}`;
  const worker = await createEtlWorker({
    connection,
    namespace: scratch.config.TEMPORAL_NAMESPACE,
    taskQueue,
    deps,
  });
  const running = worker.run();
  const temporal = await connectTemporal(scratch.config);
  try {
    await seedForBench(scratch.config, scale);
    await runPipeline(deps, { tables: SOURCE_TABLES, kind: 'incremental', trigger: 'bench' });
    // Untimed: one run each way first, so neither side's first round pays the worker's and the
    // connection pools' cold start (a long-running `techmarket worker` is warm).
    await (
      await startDailyPipeline(
        temporal.client,
        {},
        { taskQueue, workflowId: `bench-warm-${process.pid}-${scale}` },
      )
    ).handle.result();
    await runPipeline(deps, { tables: SOURCE_TABLES, kind: 'incremental', trigger: 'bench' });

    const figures: Record<string, unknown> = { scale, rounds };
    const lines = [`scale ${scale}, median of ${rounds} round${rounds > 1 ? 's' : ''}`];
    /** Where the time went in the last round of each, printed after the medians. */
    const phaseLines: string[] = [];
    for (const days of windows) {
      const to = BENCH_ANCHOR_DAY;
      const from = day(Date.parse(`${to}T00:00:00Z`) - (days - 1) * 86_400_000);
      const throughTemporal: number[] = [];
      const local: number[] = [];
      let rows = 0;
      const halves: number[] = [];
      for (let round = 1; round <= rounds; round++) {
        let history: Awaited<ReturnType<typeof fetchHistory>> | undefined;
        let timer = phaseTimer();
        const viaTemporal = async () => {
          process.stderr.write(`${days}-day backfill through Temporal (round ${round})…\n`);
          const started = performance.now();
          const run = await startBackfill(
            temporal.client,
            { from, to },
            { taskQueue, workflowId: `bench-backfill-${process.pid}-${scale}-${days}-${round}` },
          );
          const outcome = (await run.handle.result()) as BackfillOutcome;
          throughTemporal.push((performance.now() - started) / 1000);
          rows = outcome.rows ?? 0;
          history = await fetchHistory(run.handle);
        };
        const viaLocal = async () => {
          process.stderr.write(`${days}-day backfill --local (round ${round})…\n`);
          timer = phaseTimer();
          const started = performance.now();
          await localBackfill(deps, from, to, timer.progress);
          timer.stop();
          local.push((performance.now() - started) / 1000);
        };
        await inTurn(round, viaTemporal, viaLocal);
        if (halvesDeps) {
          process.stderr.write(`${days}-day backfill --local as two halves, overlapped (round ${round})…\n`);
          halves.push(await backfillInOverlappedHalves(halvesDeps, from, to));
        }
        if (round === rounds && history) {
          const phases = workflowPhases(history.events ?? []);
          const seen = throughTemporal[round - 1]!;
          phaseLines.push(
            `  ${days}-day backfill, last round, Temporal (client saw ${seen.toFixed(2)}s: ${(seen - phases.total).toFixed(2)}s outside the workflow): ${formatPhases(phases).join('\n    ')}`,
            `  ${days}-day backfill, last round, --local: ${timer.line()}`,
          );
        }
      }
      const ratio = median(throughTemporal) / median(local);
      figures[`backfill${days}`] = { from, to, rows, throughTemporal, local, ratio, halves };
      if (halves.length > 0) {
        lines.push(
          `  backfill ${days} days --local as two halves, the second read while the first loads: ${median(halves).toFixed(2)}s = ${(median(halves) / median(local)).toFixed(2)}× one --local run`,
        );
      }
      lines.push(
        `  backfill ${days} days (${fmt(rows)} rows): Temporal ${median(throughTemporal).toFixed(2)}s (${fmt(rows / median(throughTemporal))} rows/s), --local ${median(local).toFixed(2)}s (${fmt(rows / median(local))} rows/s) = ${ratio.toFixed(2)}× (goal ${days <= 30 ? '≤ 1.0' : '< 1.0'})`,
      );
    }

    const runTemporal: number[] = [];
    const runLocal: number[] = [];
    const runRounds = Math.max(rounds, 3);
    for (let round = 1; round <= runRounds; round++) {
      let history: Awaited<ReturnType<typeof fetchHistory>> | undefined;
      let timer = phaseTimer();
      const viaTemporal = async () => {
        const started = performance.now();
        const run = await startDailyPipeline(
          temporal.client,
          { extractParallelism: scratch.config.ETL_EXTRACT_PARALLELISM }, // as `etl run` starts it
          { taskQueue, workflowId: `bench-run-${process.pid}-${scale}-${round}` },
        );
        await run.handle.result();
        runTemporal.push((performance.now() - started) / 1000);
        history = await fetchHistory(run.handle);
      };
      const viaLocal = async () => {
        timer = phaseTimer();
        const started = performance.now();
        await runPipeline(
          deps,
          { tables: SOURCE_TABLES, kind: 'incremental', trigger: 'bench' },
          timer.progress,
        );
        timer.stop();
        runLocal.push((performance.now() - started) / 1000);
      };
      await inTurn(round, viaTemporal, viaLocal);
      if (round === runRounds && history) {
        const phases = workflowPhases(history.events ?? []);
        const seen = runTemporal[round - 1]!;
        phaseLines.push(
          `  etl run, last round, Temporal (client saw ${seen.toFixed(2)}s: ${(seen - phases.total).toFixed(2)}s outside the workflow): ${formatPhases(phases).join('\n    ')}`,
          `  etl run, last round, --local: ${timer.line()}`,
        );
      }
    }
    const overhead = median(runTemporal) - median(runLocal);
    figures.etlRun = { throughTemporal: runTemporal, local: runLocal, overheadSeconds: overhead };
    lines.push(
      `  etl run, nothing new: Temporal ${median(runTemporal).toFixed(2)}s, --local ${median(runLocal).toFixed(2)}s = +${overhead.toFixed(2)}s (goal ≤ 0.3 s)`,
      'where the time went:',
      ...phaseLines,
      `load average ${loadavg()
        .map((n) => n.toFixed(1))
        .join(' ')}`,
      '',
    );
    results.push(figures);
    process.stdout.write(lines.join('\n'));
  } finally {
    worker.shutdown();
    await running;
    await temporal.close();
    await connection.close();
    await deps.close();
    await halvesDeps?.[1].close();
    await scratch.drop();
  }
}

const dir = join(REPO_ROOT, 'bench/results');
mkdirSync(dir, { recursive: true });
const file = join(dir, `backfill-${new Date().toISOString().replace(/[:.]/g, '-')}.json`);
writeFileSync(file, `${JSON.stringify(results, null, 2)}\n`);
process.stdout.write(`figures written to ${file}\n`);
