export {
  adoptBatchAsMirror,
  indexBatchForAdoption,
  isAdoptable,
  prepareBatchForAdoption,
} from './batch-adoption-store.ts';
export {
  BI_ACCESS_LEVELS,
  type BiAccessLevel,
  type BiGrant,
  type BiUser,
  grantBiAccess,
  listBiUsers,
  revokeBiAccess,
} from './bi-access.ts';
export { biUserNameSchema, regionCodeSchema } from './bi-access-input.ts';
export {
  beginCdcRun,
  type CdcAppliedRecord,
  type CdcTableStatus,
  readCdcOffsets,
  readCdcStatus,
  readTableModes,
  resetCdcOffsets,
  setRunTables,
  type TableModeRecord,
  writeCdcApplied,
  writeCdcError,
  writeCdcOffsets,
  writeTableMode,
} from './cdc-store.ts';
export { COLUMN_TYPES, type ColumnType } from './column-types.ts';
export { deferIndexes } from './index-deferral.ts';
export {
  ensureKeyRangeTracking,
  type KeyRangeRow,
  readKeyRanges,
  recountKeyRange,
  scanKeyRanges,
  stopKeyRangeTracking,
} from './key-range-tracking.ts';
export {
  checkLoadAttempt,
  commitLoadAttempt,
  type LoadAttempt,
  LoadSupersededError,
  takeLoadAttempt,
} from './load-fence.ts';
export { migrateWarehouse, type WarehouseMigrationOutcome } from './migrator.ts';
export {
  countFrom,
  isTransient,
  type ModelCounts,
  type ModelResult,
  modelCounts,
  runModel,
} from './model-runner.ts';
export { createWarehousePool } from './postgres-pool.ts';
export * from './run-store.ts';
export { ident, literal } from './sql-quote.ts';
export { createSqlRenderer, type SqlRenderer } from './sql-renderer.ts';
export {
  ANY_BATCH_PATTERN,
  batchName,
  batchTable,
  mirrorName,
  mirrorTable,
  runBatchesPattern,
  STAGING_SCHEMA,
} from './staging-names.ts';
export {
  batchResumePoint,
  dropBatch,
  dropRunBatches,
  ensureBatch,
  ensureMirror,
  finishedRunsWithBatches,
  isMirrorEmpty,
  mergeBatch,
  type StagingTableSpec,
} from './staging-store.ts';
export { analyzeIfStale } from './statistics.ts';
export type { StepDetail, StepKind, StepStartDetail } from './step-kinds.ts';
export { finishStep, getStep, type StepCounts, type StepRecord, startStep } from './step-store.ts';
export { inTransaction } from './transaction.ts';
export { advanceWatermark, readWatermark, resetWatermark, type Watermark } from './watermark-store.ts';
