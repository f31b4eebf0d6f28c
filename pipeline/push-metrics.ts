import { Pushgateway, Registry } from 'prom-client';
import { childLogger } from '../core/logger.ts';
import type { PipelineDeps } from './deps.ts';
import { registerPipelineMetrics, warehouseName } from './pipeline-metrics.ts';

/** The job a `--local` run's figures are pushed under (the worker's are scraped as etl-worker). */
export const LOCAL_RUN_PUSH_JOB = 'techmarket-etl-local';
const PUSH_TIMEOUT_MS = 5000;

const log = childLogger({ component: 'metrics-push' });

/**
 * Pushes the pipeline's figures to the Pushgateway after a `--local` run, which ends before any
 * scrape (docs/decisions/0013-local-run-metrics-push.md). One group per warehouse, replaced by each
 * push (PUT). A gateway that does not answer costs the run a warning, never its result. Returns
 * whether the push was accepted.
 */
export async function pushPipelineMetrics(deps: PipelineDeps): Promise<boolean> {
  const url = deps.config.PUSHGATEWAY_URL;
  if (url === 'off') return false;
  const registry = new Registry();
  const warehouse = warehouseName(deps.config.DWH_URL);
  registerPipelineMetrics(registry, {
    warehouse: deps.warehouse,
    warehouseName: warehouse,
    source: deps.source,
  });
  try {
    const gateway = new Pushgateway(url, { timeout: PUSH_TIMEOUT_MS }, registry);
    await gateway.push({ jobName: LOCAL_RUN_PUSH_JOB, groupings: { warehouse } });
    return true;
  } catch (error) {
    log.warn({ err: (error as Error).message, pushgateway: url }, 'run metrics not pushed');
    return false;
  }
}
