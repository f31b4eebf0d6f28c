import { defineCommand } from '../command.ts';

export const dbMigrateCommand = defineCommand({
  words: ['db', 'migrate'],
  summary: 'bring the five source databases and the warehouse to the latest schema (safe to rerun)',
  flags: {},
  async run(_flags, out) {
    const { migrateDatabases } = await import('../actions/db.ts');
    return migrateDatabases(out);
  },
});
