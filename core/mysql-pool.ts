import { createPool, type Pool, type PoolOptions } from 'mysql2';

/**
 * The one way this codebase opens MySQL/MariaDB. Sessions run in UTC whatever the server's zone, so
 * DATETIME values and NOW(6) mean UTC everywhere; DATETIME comes back as the exact string (a JS Date
 * would drop the microseconds and shift the zone) and DECIMAL as an exact string.
 */
export function createMysqlPool(url: string, options: PoolOptions = {}): Pool {
  const pool = createPool({
    uri: url,
    timezone: 'Z',
    dateStrings: true,
    decimalNumbers: false,
    supportBigNumbers: true,
    bigNumberStrings: true,
    charset: 'utf8mb4_unicode_ci',
    connectionLimit: 8,
    ...options,
  });
  pool.on('connection', (connection) => {
    connection.query("SET time_zone = '+00:00'");
  });
  return pool;
}
