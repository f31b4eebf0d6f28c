import type { PoolConnection } from 'mysql2';
import type { SourceDatabase } from '../../core/config.ts';
import type { SourcePools } from '../source-pools.ts';
import { LoadDataLoader, type LoadTarget } from './load-data-loader.ts';
import type { GeneratorOutput } from './row-sink.ts';

export interface BulkTarget extends LoadTarget {
  database: SourceDatabase;
}

export interface BulkLoad<T extends string> extends GeneratorOutput<T> {
  /** Sends the rest, waits for every table and returns rows loaded per table. */
  finish(): Promise<Record<T, number>>;
  /** Gives the connections up after a failure (they are closed, not returned half-way). */
  abort(): void;
}

function getConnection(pools: SourcePools, database: SourceDatabase): Promise<PoolConnection> {
  return new Promise((resolve, reject) =>
    pools[database].getConnection((error, connection) => (error ? reject(error) : resolve(connection))),
  );
}

function run(connection: PoolConnection, sql: string): Promise<void> {
  return new Promise((resolve, reject) =>
    connection.query(sql, (error) => (error ? reject(error) : resolve())),
  );
}

/**
 * Opens one LOAD DATA stream per table, each on its own connection (a stream waiting for a pooled
 * connection held by another stream of the same pass would deadlock). Key checks are off for the
 * load: the generator writes parents first and its own keys are unique by construction, and the
 * loader still refuses any row the server skipped.
 */
export async function openBulkLoad<T extends string>(
  pools: SourcePools,
  targets: Record<T, BulkTarget>,
  onSent: (rows: number) => void,
): Promise<BulkLoad<T>> {
  const entries: { table: T; connection: PoolConnection; loader: LoadDataLoader }[] = [];
  try {
    for (const table of Object.keys(targets) as T[]) {
      const target = targets[table];
      const connection = await getConnection(pools, target.database);
      entries.push({ table, connection, loader: new LoadDataLoader(connection, target, onSent) });
      await run(connection, 'SET foreign_key_checks = 0, unique_checks = 0');
    }
  } catch (error) {
    for (const entry of entries) entry.connection.destroy();
    throw error;
  }
  const sinks = Object.fromEntries(entries.map((e) => [e.table, e.loader])) as Record<T, LoadDataLoader>;
  return {
    sinks,
    async breathe() {
      for (const { loader } of entries) if (loader.wantsFlush) await loader.flush();
    },
    async finish() {
      const counts = await Promise.all(entries.map((e) => e.loader.finish()));
      for (const { connection } of entries) {
        await run(connection, 'SET foreign_key_checks = 1, unique_checks = 1');
        connection.release();
      }
      return Object.fromEntries(entries.map((e, i) => [e.table, counts[i]])) as Record<T, number>;
    },
    abort() {
      for (const { connection } of entries) connection.destroy();
    },
  };
}
