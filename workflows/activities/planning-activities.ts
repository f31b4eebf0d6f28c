import { countWindowRows, qualifiedName } from '../../pipeline/index.ts';
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
 * query, a COPY) and an activity's round trips, about a second all told on the 2-core machine: parts
 * much smaller than this cost more in orchestration than they gain by running side by side.
 */
export const ROWS_PER_PART = 100_000;

/**
 * Rows from which a window is read as at least two parts side by side (when there are two lanes):
 * `--local` reads two tables at once (ETL_EXTRACT_PARALLELISM), and a one-part backfill read its
 * tables one after another, so a month at scale 1 extracted slower than `--local` (0.80 s against
 * 0.59 s in bench:backfill's phases). Below this, a second part's fixed cost outweighs the overlap.
 */
export const ROWS_TO_SPLIT = 10_000;

/**
 * Days per chunk when the caller names none, sized by the rows the window holds: one part per
 * ROWS_PER_PART rows, at least two once the window holds ROWS_TO_SPLIT rows (so two reads overlap,
 * as `--local`'s do), at most about two per lane (so a slow part does not keep the others waiting
 * long), at least one. A 30-day window at scale 1 (26 k rows) is two parts; a year (316 k) four.
 */
export function autoChunkDays(from: string, to: string, lanes: number, windowRows: number): number {
  const days = (Date.parse(`${to}T00:00:00Z`) - Date.parse(`${from}T00:00:00Z`)) / DAY_MS + 1;
  const fewest = windowRows >= ROWS_TO_SPLIT ? Math.min(lanes, 2) : 1;
  const parts = Math.min(lanes * 2, Math.max(fewest, Math.ceil(windowRows / ROWS_PER_PART)));
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
          await countWindowRows(
            deps.pipeline,
            tables,
            `${valid.from} 00:00:00.000000`,
            `${valid.to} 23:59:59.999999`,
          ),
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
