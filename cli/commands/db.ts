import { z } from 'zod';
import { config, SOURCE_DATABASES, sourceUrl } from '../../core/config.ts';
import { migrateSourceDatabase } from '../../services/source-migrations.ts';
import { migrateWarehouse } from '../../warehouse/index.ts';
import { defineCommand } from '../command.ts';

export const dbMigrateCommand = defineCommand({
  words: ['db', 'migrate'],
  summary: 'bring the five source databases and the warehouse to the latest schema (safe to rerun)',
  flags: {},
  schema: z.object({}),
  async run(_flags, out) {
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
  },
});
