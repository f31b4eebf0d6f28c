export { createPipelineDeps, DEFAULT_EXTRACT_TUNING, type ExtractTuning, type PipelineDeps } from './deps.ts';
export { mapBounded } from './map-bounded.ts';
export { type PipelineMetricsSource, registerPipelineMetrics, warehouseName } from './pipeline-metrics.ts';
export { LOCAL_RUN_PUSH_JOB, pushPipelineMetrics } from './push-metrics.ts';
export {
  type PipelineProgress,
  type PipelineRunRequest,
  type PipelineRunSummary,
  runPipeline,
} from './run-pipeline.ts';
export {
  parseSourceTables,
  qualifiedName,
  SOURCE_TABLES,
  type SourceTable,
  selectSourceTables,
  stagingSpec,
} from './source-tables.ts';
export { type EtlStatus, etlStatus } from './status.ts';
export { estimateWindowRows } from './steps/estimate-window-rows.ts';
export { type ExtractTableInput, type ExtractTableResult, extractTable } from './steps/extract-table.ts';
export {
  extractWindowPart,
  partTarget,
  prepareWindowBatches,
  recordWindowExtract,
  type WindowPart,
  type WindowPartResult,
} from './steps/extract-window-part.ts';
export { type TransformInput, type TransformResult, transform } from './steps/transform.ts';
export { effectiveModes, onCdcPath, onWatermarkPath } from './table-modes.ts';
