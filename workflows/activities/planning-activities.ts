import { estimateWindowRows, qualifiedName } from '../../pipeline/index.ts';
import {
  type BackfillChunk,
  type BackfillInput,
  type BackfillPlan,
  backfillInputSchema,
  parseInput,
} from '../schemas.ts';
import { type ActivityDeps, resolveTables } from './activity-context.ts';
import { classifyFailures } from './activity-failure.ts';

const DAY_MS = 86_400_000;

/** Whole UTC days [from, to] in chunks of `chunkDays`, each with the extract window it covers. */
export function splitIntoChunks(from: string, to: string, chunkDays: number): BackfillChunk[] {
  const chunks: BackfillChunk[] = [];
  const last = Date.parse(`${to}T00:00:00Z`);
  for (let start = Date.parse(`${from}T00:00:00Z`); start <= last; start += chunkDays * DAY_MS) {
    const end = Math.min(start + (chunkDays - 1) * DAY_MS, last);
    const day = (ms: number) => new Date(ms).toISOString().slice(0, 10);
    chunks.push({
      from: day(start),
      to: day(end),
      windowFrom: `${day(start)} 00:00:00.000000`,
      windowTo: `${day(end)} 23:59:59.999999`,
    });
  }
  return chunks;
}

/**
 * Rows a part should read at least. A part pays a fixed cost per table (its step records, a source
 * query, a COPY) and an activity's round trips, and `--local` already keeps both cores of this machine
 * busy reading two tables at once: two parts (four reads at once) read 258 k rows (30 days at scale
 * 10) in 0.99 s against one read's 0.75 s, and 316 k (a year at scale 1) in 1.47 s against 0.86 s; at
 * 3.16 M (a year at scale 10) they tied, 8.5 s each (bench:backfill, 2026-12-06). Below a million rows
 * a window is one part.
 */
export const ROWS_PER_PART = 1_000_000;

/**
 * Days per chunk when the caller names none, sized by the rows the window holds: one part per
 * ROWS_PER_PART rows, at most as many as keep every table read at once within the lanes (each part
 * reads `tablesAtOnce` tables side by side), at least one. bench:backfill's phases showed more reads
 * at once than lanes only slowing each other: four parts on 2 cores read a year at scale 1 in 7.2 s
 * of 25.7 s summed work, where `--local`, two tables at once, took 4.8 s.
 */
export function autoChunkDays(
  from: string,
  to: string,
  lanes: number,
  windowRows: number,
  tablesAtOnce = 1,
): number {
  const days = (Date.parse(`${to}T00:00:00Z`) - Date.parse(`${from}T00:00:00Z`)) / DAY_MS + 1;
  const mostParts = Math.max(1, Math.floor(lanes / tablesAtOnce));
  const parts = Math.min(mostParts, Math.max(1, Math.ceil(windowRows / ROWS_PER_PART)));
  return Math.max(1, Math.ceil(days / parts));
}

/** Validation and date arithmetic for a backfill, kept out of the workflow code. */
export function createPlanningActivities(deps: ActivityDeps) {
  return {
    planBackfill: classifyFailures(async (input: BackfillInput): Promise<BackfillPlan> => {
      const valid = parseInput(backfillInputSchema, input, 'backfill');
      const tables = resolveTables(deps, valid.tables);
      const chunkDays =
        valid.chunkDays ??
        autoChunkDays(
          valid.from,
          valid.to,
          valid.parallelism * valid.extractParallelism,
          await estimateWindowRows(
            deps.pipeline,
            tables,
            `${valid.from} 00:00:00.000000`,
            `${valid.to} 23:59:59.999999`,
          ),
          deps.pipeline.config.ETL_EXTRACT_PARALLELISM,
        );
      return {
        chunks: splitIntoChunks(valid.from, valid.to, chunkDays),
        tables: tables.map(qualifiedName),
        parallelism: valid.parallelism,
        extractParallelism: valid.extractParallelism,
      };
    }),
  };
}
