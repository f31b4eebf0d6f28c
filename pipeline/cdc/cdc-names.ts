import { createHash } from 'node:crypto';
import { type Config, type SourceDatabase, sourceUrl } from '../../core/config.ts';
import type { SourceTable } from '../source-tables.ts';

/**
 * The one owner of the CDC path's names. One Debezium connector per source table: a table switched
 * to CDC later gets its own snapshot (or none) and its own binlog position, never a re-snapshot of
 * the others. Names carry the physical database and the warehouse's, so scratch copies never meet.
 */

/** The database name a source URL points at (`orders`, or `orders_t1a2b` in a scratch copy). */
export const physicalDatabase = (cfg: Config, database: string) =>
  decodeURIComponent(new URL(sourceUrl(cfg, database as SourceDatabase)).pathname.slice(1));

const warehouseName = (cfg: Config) => decodeURIComponent(new URL(cfg.DWH_URL).pathname.slice(1));

export const connectorName = (cfg: Config, table: SourceTable) =>
  `techmarket-cdc-${physicalDatabase(cfg, table.database)}-${table.table}`;

/** Debezium's logical server name: unique per connector, since Connect keys its offsets by it. */
export const topicPrefix = (cfg: Config, table: SourceTable) =>
  `tmcdc_${physicalDatabase(cfg, table.database)}_${table.table}`;

/** Debezium names a table's topic `<prefix>.<database>.<table>`. */
export const changeTopic = (cfg: Config, table: SourceTable) =>
  `${topicPrefix(cfg, table)}.${physicalDatabase(cfg, table.database)}.${table.table}`;

/** Debezium's heartbeat topic: a message there means the connector is streaming the binlog. */
export const heartbeatTopic = (cfg: Config, table: SourceTable) =>
  `__debezium-heartbeat.${topicPrefix(cfg, table)}`;

export const schemaHistoryTopic = (cfg: Config, table: SourceTable) =>
  `${topicPrefix(cfg, table)}.schema-history`;

/** Undecodable messages go here, with their partition, offset and the reason. */
export const deadLetterTopic = (cfg: Config) => `techmarket-cdc-dead-letter-${warehouseName(cfg)}`;

/** The consumer group (its committed offsets are only a hint: the warehouse's are the authority). */
export const consumerGroup = (cfg: Config) => `techmarket-cdc-${warehouseName(cfg)}`;

/** A replication client id of its own per connector, stable across restarts (1 is the server). */
export function serverId(cfg: Config, table: SourceTable): number {
  const hash = createHash('sha1').update(connectorName(cfg, table)).digest().readUInt32BE(0);
  return 100_000 + (hash % 2_000_000_000);
}
