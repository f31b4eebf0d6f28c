export { migrateWarehouse, type WarehouseMigrationOutcome } from './migrator.ts';
export { createWarehousePool } from './postgres-pool.ts';
