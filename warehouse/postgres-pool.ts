import pg from 'pg';

// int8 and numeric come back as exact strings (pg's default); timestamps stay strings too, so no
// value passes through a JS Date (which would drop microseconds).
const TIMESTAMPTZ_OID = 1184;
const TIMESTAMP_OID = 1114;
pg.types.setTypeParser(TIMESTAMPTZ_OID, (v) => v);
pg.types.setTypeParser(TIMESTAMP_OID, (v) => v);

/** The one way this codebase opens the warehouse: sessions in UTC, named for pg_stat_activity. */
export function createWarehousePool(url: string, options: pg.PoolConfig = {}): pg.Pool {
  return new pg.Pool({
    connectionString: url,
    max: 6,
    application_name: 'techmarket',
    options: '-c timezone=UTC',
    ...options,
  });
}
