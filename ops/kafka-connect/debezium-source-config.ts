/**
 * The configuration of a Debezium source connector for the platform's MariaDB (or a MySQL on Docker
 * hosts), in one place so the CDC path and the tests register connectors the same way.
 */
export const DEBEZIUM_MYSQL_CONNECTOR_CLASS = 'io.debezium.connector.mysql.MySqlConnector';

export interface DebeziumSourceOptions {
  /** Topic prefix (Debezium's logical server name): topics are `<prefix>.<database>.<table>`. */
  topicPrefix: string;
  /** Replication client id, unique among everything reading this server's binlog (the server is 1). */
  serverId: number;
  /** A mysql:// URL of the account that reads the binlog, normally the ETL's (etlSourceUrl). */
  sourceUrl: string;
  /** Databases to capture. */
  databases: readonly string[];
  /** Tables to capture as `database.table`, default every table of `databases`. */
  tables?: readonly string[];
  /** Kafka bootstrap servers for the schema history topic, e.g. config.KAFKA_BROKERS. */
  kafkaBrokers: string;
  /** Debezium's snapshot.mode, default `initial` (existing rows first, then the binlog). */
  snapshotMode?: 'initial' | 'no_data' | 'when_needed' | 'never';
}

export function debeziumSourceConfig(options: DebeziumSourceOptions): Record<string, string> {
  const url = new URL(options.sourceUrl);
  const config: Record<string, string> = {
    'connector.class': DEBEZIUM_MYSQL_CONNECTOR_CLASS,
    'tasks.max': '1',
    'database.hostname': url.hostname,
    'database.port': url.port || '3306',
    'database.user': decodeURIComponent(url.username),
    'database.password': decodeURIComponent(url.password),
    'database.server.id': String(options.serverId),
    'database.ssl.mode': 'disabled', // loopback only; Docker hosts keep the database on their own network
    'topic.prefix': options.topicPrefix,
    'database.include.list': options.databases.join(','),
    'schema.history.internal.kafka.bootstrap.servers': options.kafkaBrokers,
    'schema.history.internal.kafka.topic': `${options.topicPrefix}.schema-history`,
    'include.schema.changes': 'false',
    'snapshot.mode': options.snapshotMode ?? 'initial',
    // The ETL account has SELECT, REPLICATION SLAVE and REPLICATION CLIENT only. Without a lock
    // Debezium needs no RELOAD (FLUSH TABLES WITH READ LOCK); the snapshot stays consistent because
    // it runs in one REPEATABLE READ transaction, and the sources change their schemas only through
    // migrations, never while a snapshot runs.
    'snapshot.locking.mode': 'none',
    // A delete is followed by a tombstone (null value) so log compaction can drop the key.
    'tombstones.on.delete': 'true',
    // DECIMAL(12,2) money as exact strings ("12.50"), not base64 bytes of an unscaled integer.
    'decimal.handling.mode': 'string',
    // MariaDB: Maven Central serves no Debezium MariaDB connector at the pinned version, so the MySQL
    // connector reads it, with our shim answering the one MySQL-8.4-only statement it sends
    // (ops/kafka-connect/mariadb-compat). Harmless against a real MySQL.
    'driver.propertiesTransform': 'techmarket.connect.MariaDbCompatProperties',
    // Debezium parses every DDL statement in the binlog, of every database on the server, before it
    // looks at which database it belongs to; its MySQL grammar rejects MariaDB's own syntax, and one
    // such statement in any database stopped every streaming connector for good (the catalog
    // migration's `create index if not exists`, run by every test's scratch copy, did). Our migrations
    // are kept parseable (services/source-migrations-debezium.test.ts), but the binlog also holds
    // statements written before that, and those of anything else sharing the server. Skipped
    // statements are logged by Connect.
    'schema.history.internal.skip.unparseable.ddl': 'true',
  };
  if (options.tables) config['table.include.list'] = options.tables.join(',');
  return config;
}
