import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

const SERVICES = new URL('.', import.meta.url).pathname;

/** Every migration file of the five services' databases, which are CDC sources. */
function migrationFiles(): string[] {
  return readdirSync(SERVICES, { withFileTypes: true })
    .filter((entry) => entry.isDirectory())
    .flatMap((service) => {
      const dir = join(SERVICES, service.name, 'migrations');
      try {
        return readdirSync(dir)
          .filter((file) => file.endsWith('.ts'))
          .map((file) => join(dir, file));
      } catch {
        return [];
      }
    });
}

describe('source database migrations', () => {
  it('use no index DDL that Debezium cannot parse in the binlog (MariaDB-only IF [NOT] EXISTS)', () => {
    const files = migrationFiles();
    expect(files.length).toBeGreaterThan(5);
    // Debezium's MySQL grammar refuses `CREATE INDEX IF NOT EXISTS` and `DROP INDEX IF EXISTS … ON`,
    // and one such statement stops every connector streaming the server.
    const offending = files.filter((file) =>
      /(createIndex|dropIndex)\([^)]*\)\s*\.(ifNotExists|ifExists)\(\)/.test(readFileSync(file, 'utf8')),
    );
    expect(offending).toEqual([]);
  });
});
