import { type Queryable, readTableModes } from '../warehouse/index.ts';
import { qualifiedName, type SourceTable } from './source-tables.ts';

/**
 * A table's path is kept in the warehouse (etl.table_modes, written by `cdc switch`); the configured
 * mode in source-tables.ts is only the default for a table never switched.
 */
export async function effectiveModes(
  db: Queryable,
  tables: readonly SourceTable[],
): Promise<Map<string, 'watermark' | 'cdc'>> {
  const stored = await readTableModes(db);
  return new Map(tables.map((t) => [qualifiedName(t), stored.get(qualifiedName(t))?.mode ?? t.mode]));
}

/** The tables a watermark run extracts: those the CDC path does not feed. */
export async function onWatermarkPath(db: Queryable, tables: readonly SourceTable[]): Promise<SourceTable[]> {
  const modes = await effectiveModes(db, tables);
  return tables.filter((t) => modes.get(qualifiedName(t)) === 'watermark');
}

/** The tables the CDC consumer applies, each with mode 'cdc' (their batches are deduplicated). */
export async function onCdcPath(db: Queryable, tables: readonly SourceTable[]): Promise<SourceTable[]> {
  const modes = await effectiveModes(db, tables);
  return tables
    .filter((t) => modes.get(qualifiedName(t)) === 'cdc')
    .map((t) => ({ ...t, mode: 'cdc' as const }));
}
