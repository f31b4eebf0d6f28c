export {
  beginCdcRun,
  type CdcAppliedRecord,
  type CdcTableStatus,
  readCdcOffsets,
  readCdcStatus,
  readTableModes,
  resetCdcOffsets,
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
export { migrateWarehouse, type WarehouseMigrationOutcome } from './migrator.ts';
export { countFrom, isTransient, type ModelResult, runModel } from './model-runner.ts';
export { createWarehousePool } from './postgres-pool.ts';
export * from './run-store.ts';
export {
  batchTable,
  createSqlRenderer,
  ident,
  literal,
  mirrorTable,
  type SqlRenderer,
} from './sql-renderer.ts';
export {
  adoptBatchAsMirror,
  batchResumePoint,
  dropBatch,
  ensureBatch,
  ensureMirror,
  indexBatchForAdoption,
  isAdoptable,
  isMirrorEmpty,
  mergeBatch,
  prepareBatchForAdoption,
  type StagingTableSpec,
} from './staging-store.ts';
export { analyzeIfStale } from './statistics.ts';
