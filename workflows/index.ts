/**
 * The workflows the ETL worker registers (its `workflowsPath`). Everything reachable from here runs in
 * Temporal's deterministic sandbox: only @temporalio/workflow and activity types may be imported
 * (tests/workflows/workflow-sandbox.test.ts walks the imports to keep it so).
 */
export { backfill } from './backfill.ts';
export { backfillChunk } from './backfill-chunk.ts';
export { dailyPipeline } from './daily-pipeline.ts';
export { tablePipeline } from './table-pipeline.ts';
