import type pg from 'pg';
import { getStep } from '../../../warehouse/index.ts';
import type { PipelineDeps } from '../../deps.ts';
import { qualifiedName } from '../../source-tables.ts';
import type { ExtractStepDetail } from '../extract-table.ts';
import { type KeyRanges, readSourceKeyRanges } from '../reconcile-deletes.ts';
import type { TransformInput } from './load-context.ts';

/** Phase 0: the extract step's record of every table; a table not extracted in this run is refused. */
export async function readExtracts(
  client: pg.ClientBase,
  input: TransformInput,
): Promise<Map<string, ExtractStepDetail>> {
  const extracts = new Map<string, ExtractStepDetail>();
  for (const table of input.tables) {
    const step = await getStep(client, input.runId, 'extract', qualifiedName(table));
    if (step?.status !== 'succeeded') {
      throw new Error(
        `extract of ${qualifiedName(table)} did not finish in run ${input.runId}: run the extract first`,
      );
    }
    extracts.set(qualifiedName(table), step.detail);
  }
  return extracts;
}

/**
 * Hard-delete reconciliation of merged (not adopted) batches needs the source's side: as the extract
 * read it, or (an extract from before it did) read now, beside the merges.
 */
export function startSourceKeyReads(
  deps: PipelineDeps,
  input: TransformInput,
  extracts: Map<string, ExtractStepDetail>,
  adopted: ReadonlyMap<string, unknown>,
): Map<string, Promise<KeyRanges>> {
  if (input.kind !== 'incremental') return new Map();
  return new Map(
    input.tables
      .filter((table) => table.detectHardDeletes && !adopted.has(qualifiedName(table)))
      .map((table) => {
        const read = extracts.get(qualifiedName(table))!.sourceKeyRanges;
        const ranges = read
          ? Promise.resolve(new Map(Object.entries(read)))
          : readSourceKeyRanges(deps, table);
        // Awaited by the merge that needs it; until then a failure must not count as unhandled.
        ranges.catch(() => {});
        return [qualifiedName(table), ranges] as const;
      }),
  );
}
