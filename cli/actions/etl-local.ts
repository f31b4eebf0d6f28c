import { config } from '../../core/config.ts';
import {
  createPipelineDeps,
  etlStatus,
  pushPipelineMetrics,
  qualifiedName,
  runPipeline,
  selectSourceTables,
} from '../../pipeline/index.ts';
import { resetWatermarkWhileNoRun } from '../../warehouse/index.ts';
import type { EtlResetFlags, EtlStatusFlags } from '../commands/etl.ts';
import type { Output } from '../output.ts';
import { describeRun, progressReporter } from './etl-run-output.ts';

/** `etl run --local` and `etl backfill --local`: the pipeline in this process. */
export async function runLocally(
  out: Output,
  request: { tables: string[]; kind: 'incremental' | 'backfill'; windowFrom?: string; windowTo?: string },
): Promise<number> {
  const deps = createPipelineDeps(config());
  const progress = progressReporter(out);
  try {
    const summary = await runPipeline(
      deps,
      {
        tables: selectSourceTables(request.tables),
        kind: request.kind,
        trigger: 'cli',
        windowFrom: request.windowFrom,
        windowTo: request.windowTo,
      },
      progress,
    );
    progress.finish();
    out.result(summary, () => describeRun(summary));
    return 0;
  } finally {
    // Succeeded or failed, the run's figures go where Prometheus reads them: this process ends first.
    await pushPipelineMetrics(deps);
    await deps.close();
  }
}

export async function showStatus(flags: EtlStatusFlags, out: Output): Promise<number> {
  const deps = createPipelineDeps(config());
  try {
    const status = await etlStatus(deps.warehouse, flags.limit, (database) => deps.source(database));
    out.result(status, () => `runs\n${out.table(status.runs)}\n\ntables\n${out.table(status.tables)}`);
    return 0;
  } finally {
    await deps.close();
  }
}

export async function resetTable(flags: EtlResetFlags, out: Output): Promise<number> {
  const [table] = selectSourceTables([flags.table]);
  const deps = createPipelineDeps(config());
  const client = await deps.warehouse.connect();
  try {
    const existed = await resetWatermarkWhileNoRun(client, qualifiedName(table!));
    out.result({ table: qualifiedName(table!), reset: existed }, () =>
      existed
        ? `watermark of ${qualifiedName(table!)} removed: the next run reads it in full`
        : `${qualifiedName(table!)} had no watermark`,
    );
    return 0;
  } finally {
    client.release();
    await deps.close();
  }
}
