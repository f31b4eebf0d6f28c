import type { Pool } from 'mysql2';
import { type Config, SOURCE_DATABASES, type SourceDatabase, sourceUrl } from '../core/config.ts';
import { createMysqlPool } from '../core/mysql-pool.ts';

/** One owner-account pool per source database (they may live on different servers). */
export type SourcePools = Record<SourceDatabase, Pool>;

export function openSourcePools(cfg: Config, connectionLimit = 6): SourcePools {
  const pools = {} as SourcePools;
  for (const database of SOURCE_DATABASES) {
    pools[database] = createMysqlPool(sourceUrl(cfg, database), { connectionLimit });
  }
  return pools;
}

export async function closeSourcePools(pools: SourcePools): Promise<void> {
  await Promise.all(
    Object.values(pools).map((pool) => new Promise<void>((resolve) => pool.end(() => resolve()))),
  );
}
