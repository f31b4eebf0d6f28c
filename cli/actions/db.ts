import { config, SOURCE_DATABASES, sourceUrl } from '../../core/config.ts';
import { migrateSourceDatabase } from '../../services/source-migrations.ts';
import { migrateWarehouse } from '../../warehouse/index.ts';
import type { Output } from '../output.ts';

export async function migrateDatabases(out: Output): Promise<number> {
  const cfg = config();
  const sources = [];
  for (const database of SOURCE_DATABASES) {
    const outcome = await migrateSourceDatabase(database, sourceUrl(cfg, database));
    out.line(
      `source ${database}: ${outcome.applied.length ? `applied ${outcome.applied.join(', ')}` : 'up to date'}`,
    );
    sources.push(outcome);
  }
  const warehouse = await migrateWarehouse(cfg.DWH_URL);
  out.line(
    `warehouse: ${warehouse.applied.length ? `applied ${warehouse.applied.join(', ')}` : 'up to date'}`,
  );
  out.result({ sources, warehouse });
  return 0;
}
