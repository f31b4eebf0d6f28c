import pg from 'pg';
import { childLogger } from '../core/logger.ts';

const log = childLogger({ component: 'warehouse-pool' });

// int8 and numeric come back as exact strings (pg's default); timestamps stay strings too, so no
// value passes through a JS Date (which would drop microseconds).
const TIMESTAMPTZ_OID = 1184;
const TIMESTAMP_OID = 1114;
pg.types.setTypeParser(TIMESTAMPTZ_OID, (v) => v);
pg.types.setTypeParser(TIMESTAMP_OID, (v) => v);

/** The one way this codebase opens the warehouse: sessions in UTC, named for pg_stat_activity. */
export function createWarehousePool(url: string, options: pg.PoolConfig = {}): pg.Pool {
  const pool = new pg.Pool({
    connectionString: url,
    max: 6,
    application_name: 'techmarket',
    options: '-c timezone=UTC',
    ...options,
  });
  // A connection that breaks (reset, server gone) emits 'error' on its client and, when idle, on the
  // pool; unheard, that event is an uncaught exception that kills the process mid-run. The failure
  // reaches the code through the query it fails, so here it is only logged.
  const heard = (error: Error) => log.warn({ err: error.message }, 'a warehouse connection broke');
  pool.on('error', heard);
  pool.on('connect', (client) => client.on('error', heard));
  return pool;
}
