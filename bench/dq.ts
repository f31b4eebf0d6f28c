/**
 * `npm run bench:dq [-- --scale 10]`: the share of a pipeline run spent on data quality. Seeds scratch
 * databases (never the demo ones) at the given scale, runs one full pipeline (extract, transform, the DQ
 * gate) and times its phases, then times the gate twice more on its own and lists the slowest rules.
 */
import { parseArgs } from 'node:util';
import { z } from 'zod';
import { currentUtcDay } from '../demo/index.ts';
import { DqGateError, type DqRunSummary, runQualityGate } from '../dq/index.ts';
import { createScratch } from '../ops/scratch/scratch-databases.ts';
import { createPipelineDeps, runPipeline, SOURCE_TABLES } from '../pipeline/index.ts';
import { seedForBench } from './seed-for-bench.ts';

const { values } = parseArgs({
  options: { scale: { type: 'string' }, keep: { type: 'boolean' } },
  strict: true,
});
const scale = z.coerce.number().positive().max(100).default(10).parse(values.scale);
const GATE_REPEATS = 2;
const seconds = (fromMs: number, toMs: number) => (toMs - fromMs) / 1000;

const scratch = await createScratch();
const deps = createPipelineDeps(scratch.config);
try {
  process.stderr.write(`seeding scale ${scale} into scratch databases (${scratch.suffix})…\n`);
  const seeded = await seedForBench(scratch.config, scale, currentUtcDay());

  process.stderr.write('one full pipeline run…\n');
  const phaseStarts = new Map<string, number>();
  const started = performance.now();
  const run = await runPipeline(
    deps,
    { tables: SOURCE_TABLES, kind: 'incremental', trigger: 'bench' },
    { phase: (name) => phaseStarts.set(name, performance.now()), rows() {}, step() {} },
  );
  const finished = performance.now();
  const phases = {
    extract: seconds(phaseStarts.get('extract')!, phaseStarts.get('transform')!),
    transform: seconds(phaseStarts.get('transform')!, phaseStarts.get('dq')!),
    dq: seconds(phaseStarts.get('dq')!, finished),
    total: seconds(started, finished),
  };

  const gates: DqRunSummary[] = [];
  for (let i = 0; i < GATE_REPEATS; i++) {
    process.stderr.write(`the gate on its own (${i + 1}/${GATE_REPEATS})…\n`);
    gates.push(
      await runQualityGate(deps, run.runId).catch((error: unknown) => {
        if (error instanceof DqGateError) return error.summary;
        throw error;
      }),
    );
  }
  const last = gates.at(-1)!;
  const slowest = [...last.results].sort((a, b) => b.durationMs - a.durationMs).slice(0, 6);
  const fmt = (s: number) => `${s.toFixed(1)} s`;
  const lines = [
    `scale ${scale}: ${seeded.rows.toLocaleString('en-US')} source rows seeded, ${last.results.length} DQ rules`,
    `pipeline run ${run.runId}: ${fmt(phases.total)} = extract ${fmt(phases.extract)} + transform ${fmt(phases.transform)} + dq ${fmt(phases.dq)}`,
    `DQ share of the pipeline run: ${((phases.dq / phases.total) * 100).toFixed(1)}%`,
    `gate on its own: ${gates.map((g) => fmt(g.seconds)).join(', ')} (${last.counts.pass} pass, ${last.counts.warn} warn, ${last.counts.fail} fail, ${last.counts.error} error)`,
    'slowest rules (they run two at a time, sharing scans):',
    ...slowest.map((r) => `  ${(r.durationMs / 1000).toFixed(2).padStart(6)} s  ${r.ruleName}`),
  ];
  process.stdout.write(`${lines.join('\n')}\n`);
} finally {
  await deps.close();
  if (values.keep) process.stderr.write(`kept scratch databases *_${scratch.suffix}\n`);
  else await scratch.drop();
}
