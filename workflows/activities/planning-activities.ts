import { qualifiedName } from '../../pipeline/index.ts';
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
 * Days per chunk when the caller names none: about two chunks per lane, so a slow chunk does not keep
 * the others waiting long while the activities stay few (each costs a round trip to Temporal).
 */
export function autoChunkDays(from: string, to: string, lanes: number): number {
  const days = (Date.parse(`${to}T00:00:00Z`) - Date.parse(`${from}T00:00:00Z`)) / DAY_MS + 1;
  return Math.max(1, Math.ceil(days / (lanes * 2)));
}

/** Validation and date arithmetic for a backfill, kept out of the workflow code. */
export function createPlanningActivities(deps: ActivityDeps) {
  return {
    planBackfill: classifyFailures(async (input: BackfillInput): Promise<BackfillPlan> => {
      const valid = parseInput(backfillInputSchema, input, 'backfill');
      return {
        chunks: splitIntoChunks(
          valid.from,
          valid.to,
          valid.chunkDays ??
            autoChunkDays(valid.from, valid.to, valid.parallelism * valid.extractParallelism),
        ),
        tables: resolveTables(deps, valid.tables).map(qualifiedName),
        parallelism: valid.parallelism,
        extractParallelism: valid.extractParallelism,
      };
    }),
  };
}
