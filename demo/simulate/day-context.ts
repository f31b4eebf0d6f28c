import type { PoolConnection, Pool as PromisePool, ResultSetHeader, RowDataPacket } from 'mysql2/promise';
import type { SeededRandom } from '../random/seeded-random.ts';
import type { ChangeCounts } from './change-counts.ts';

/** The three databases a business day touches, through the owner account as the services would. */
export interface SimulationDatabases {
  orders: PromisePool;
  catalog: PromisePool;
  payments: PromisePool;
}

/** How much happens in a day, derived from the size of the shop (scale-independent behaviour). */
export interface DayVolumes {
  newOrders: number;
  newCustomers: number;
  customerMoves: number;
  repricedProducts: number;
  renamedProducts: number;
  movedProducts: number;
  refunds: number;
  trimmedOrders: number;
  /** Only orders with ids above this are looked at for status changes (the recent ones). */
  recentOrderFloor: number;
}

export interface DayContext {
  db: SimulationDatabases;
  random: SeededRandom;
  volumes: DayVolumes;
  counts: ChangeCounts;
}

export async function selectRows<T>(pool: PromisePool, sql: string, values: unknown[] = []): Promise<T[]> {
  const [rows] = await pool.query<RowDataPacket[]>(sql, values);
  return rows as T[];
}

export async function execute(
  pool: PromisePool,
  sql: string,
  values: unknown[] = [],
): Promise<ResultSetHeader> {
  const [result] = await pool.query<ResultSetHeader>(sql, values);
  return result;
}

/** Runs `work` in one transaction on one connection of `pool`. */
export async function inTransaction<T>(
  pool: PromisePool,
  work: (connection: PoolConnection) => Promise<T>,
): Promise<T> {
  const connection = await pool.getConnection();
  try {
    await connection.beginTransaction();
    const result = await work(connection);
    await connection.commit();
    return result;
  } catch (error) {
    await connection.rollback().catch(() => undefined);
    throw error;
  } finally {
    connection.release();
  }
}

/** `count` distinct random integers in [1, max] (fewer when max is small). */
export function randomIds(random: SeededRandom, max: number, count: number): number[] {
  const ids = new Set<number>();
  for (let i = 0; ids.size < Math.min(count, max) && i < count * 10; i++) ids.add(random.int(1, max));
  return [...ids];
}

/** A random subset of `items` of at most `count`, in a random order (partial Fisher–Yates). */
export function sample<T>(random: SeededRandom, items: readonly T[], count: number): T[] {
  const copy = [...items];
  const n = Math.min(count, copy.length);
  for (let i = 0; i < n; i++) {
    const j = random.int(i, copy.length - 1);
    [copy[i], copy[j]] = [copy[j]!, copy[i]!];
  }
  return copy.slice(0, n);
}
