import { TechmarketError } from '../core/errors.ts';

/** The schemas the warehouse migrations create; a table missing from one of them means "not migrated". */
const MIGRATED_SCHEMAS = new Set(['etl', 'stg', 'dwh', 'dq', 'bi', 'cdc']);

/** PostgreSQL's codes for a missing table and a missing schema. */
const UNDEFINED_TABLE = '42P01';
const INVALID_SCHEMA = '3F000';

/**
 * Turns `relation "etl.runs" does not exist` into an error that says the warehouse is not migrated and
 * what to run; undefined for any other error (a missing table outside the migrated schemas is a bug,
 * not an operator's step to take).
 */
export function explainUnmigrated(error: unknown): TechmarketError | undefined {
  for (let e = error; e instanceof Error; e = e.cause) {
    const code = (e as { code?: unknown }).code;
    if (code !== UNDEFINED_TABLE && code !== INVALID_SCHEMA) continue;
    const name = /(?:relation|schema) "([^"]+)" does not exist/.exec(e.message)?.[1];
    const schema = name?.split('.')[0];
    if (!name || !schema || !MIGRATED_SCHEMAS.has(schema)) return undefined;
    return new TechmarketError(`the warehouse (DWH_URL) has no ${name}: its schema is not migrated`, {
      hint: 'run techmarket db migrate (safe to rerun), then this command again',
      cause: error,
    });
  }
  return undefined;
}
