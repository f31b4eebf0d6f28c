import { randomBytes } from 'node:crypto';
import { createPool } from 'mysql2/promise';
import pg from 'pg';
import { type Config, loadConfig, SOURCE_DATABASES, sourceUrl } from '../../core/config.ts';
import { migrateSourceDatabase } from '../../services/source-migrations.ts';
import { cloneWarehouseTemplate } from './warehouse-template.ts';

/**
 * A private copy of the platform's databases for one test file or benchmark: five source databases
 * and one warehouse with a random suffix, migrated, and a Config pointing at them. Tests never touch
 * the demo databases, so files run in parallel and reruns start clean. The warehouse is a clone of a
 * template migrated once per set of migrations (warehouse-template.ts).
 */
export interface Scratch {
  config: Config;
  suffix: string;
  /** An empty, migrated warehouse again (the sources stay): each benchmark round starts from nothing. */
  resetWarehouse(): Promise<void>;
  drop(): Promise<void>;
}

/** Drops a warehouse database; a backend of a killed process can still be shutting down: retries. */
async function dropWarehouse(adminUrl: string, name: string): Promise<void> {
  const client = new pg.Client({ connectionString: adminUrl });
  await client.connect();
  try {
    for (let attempt = 1; ; attempt++) {
      try {
        await client.query(`drop database if exists ${name} with (force)`);
        return;
      } catch (error) {
        if (attempt >= 5) throw error;
        await new Promise((r) => setTimeout(r, 500 * attempt));
      }
    }
  } finally {
    await client.end();
  }
}

export async function createScratch(
  options: { migrate?: boolean; sourcesOf?: Scratch } = {},
): Promise<Scratch> {
  const base = loadConfig();
  const suffix = `t${randomBytes(4).toString('hex')}`;
  const env: Record<string, string> = {};
  const admin = await createPool({ uri: sourceUrl(base, 'orders'), connectionLimit: 1 });
  // A second warehouse over another scratch's sources: only the warehouse is new.
  for (const db of options.sourcesOf ? [] : SOURCE_DATABASES) {
    const name = `${db}_${suffix}`;
    await admin.query(`create database \`${name}\` character set utf8mb4`);
    await admin.query(`grant select on \`${name}\`.* to ?@'%'`, [base.ETL_SOURCE_USER]);
    const url = new URL(sourceUrl(base, db));
    url.pathname = `/${name}`;
    env[`${db.toUpperCase()}_DB_URL`] = url.toString();
  }
  await admin.end();
  if (options.sourcesOf) {
    for (const db of SOURCE_DATABASES)
      env[`${db.toUpperCase()}_DB_URL`] = sourceUrl(options.sourcesOf.config, db);
  }
  const dwhUrl = new URL(base.DWH_URL);
  const dwhName = `dwh_${suffix}`;
  const migrated = options.migrate !== false;
  await cloneWarehouseTemplate(base.DWH_URL, dwhName, { migrated });
  dwhUrl.pathname = `/${dwhName}`;
  env.DWH_URL = dwhUrl.toString();

  const config = loadConfig({ ...process.env, ...env });
  if (migrated && !options.sourcesOf) {
    for (const db of SOURCE_DATABASES) await migrateSourceDatabase(db, sourceUrl(config, db));
  }
  return {
    config,
    suffix,
    async resetWarehouse() {
      await dropWarehouse(base.DWH_URL, dwhName);
      await cloneWarehouseTemplate(base.DWH_URL, dwhName, { migrated: true });
    },
    async drop() {
      if (!options.sourcesOf) {
        const pool = await createPool({ uri: sourceUrl(base, 'orders'), connectionLimit: 1 });
        for (const db of SOURCE_DATABASES) await pool.query(`drop database if exists \`${db}_${suffix}\``);
        await pool.end();
      }
      await dropWarehouse(base.DWH_URL, dwhName);
    },
  };
}

/** The environment a child `techmarket` process needs to work on this scratch. */
export function scratchEnv(scratch: Scratch): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env, DWH_URL: scratch.config.DWH_URL, LOG_LEVEL: 'warn' };
  for (const db of SOURCE_DATABASES) env[`${db.toUpperCase()}_DB_URL`] = sourceUrl(scratch.config, db);
  return env;
}

/**
 * Drops login roles a test made (`techmarket bi grant`): roles belong to the PostgreSQL server, not to
 * the scratch warehouse, so dropping the database leaves them behind.
 */
export async function dropLoginRoles(scratch: Scratch, roles: readonly string[]): Promise<void> {
  const url = new URL(scratch.config.DWH_URL);
  url.pathname = '/postgres';
  const admin = new pg.Client({ connectionString: url.toString() });
  await admin.connect();
  try {
    for (const role of roles) await admin.query(`drop role if exists "${role.replaceAll('"', '""')}"`);
  } finally {
    await admin.end();
  }
}
