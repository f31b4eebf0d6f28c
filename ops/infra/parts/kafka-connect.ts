import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { spawnDetached } from '../../../core/exec.ts';
import { LOG_DIR, REPO_ROOT, STATE_DIR } from '../../../core/paths.ts';
import {
  buildJar,
  classpathDir,
  copyDependencies,
  ensureJvmTools,
  isClasspathReady,
  JAVA_BIN,
  pomProperty,
} from '../maven.ts';
import type { InfraPart } from '../part.ts';
import { KAFKA_ADDRESS } from './kafka.ts';

/** The worker's runtime: Kafka Connect at the Kafka version Debezium is built against. */
const CONNECT_POM = join(REPO_ROOT, 'ops/kafka-connect/pom.xml');
/** Debezium's MySQL connector (which also reads MariaDB's binlog), one folder on plugin.path. */
const DEBEZIUM_POM = join(REPO_ROOT, 'ops/kafka-connect/debezium-mysql/pom.xml');
/** Our own shim that lets that connector read MariaDB; built into the same plugin folder. */
const MARIADB_COMPAT_DIR = join(REPO_ROOT, 'ops/kafka-connect/mariadb-compat');
const MARIADB_COMPAT_JAR = 'techmarket-mariadb-compat';
const CONNECT_LOG4J2 = join(REPO_ROOT, 'ops/kafka-connect/log4j2.properties');
const CONNECT_HOST = '127.0.0.1';
const CONNECT_PORT = 8083;
const CONNECT_HOME = join(STATE_DIR, 'kafka-connect');
const CONNECT_PROPERTIES = join(CONNECT_HOME, 'connect-distributed.properties');
/** The connector class a healthy worker must offer. */
export const DEBEZIUM_MYSQL_CONNECTOR = 'io.debezium.connector.mysql.MySqlConnector';

const libsDir = () => join(classpathDir('kafka-connect', CONNECT_POM), 'libs');
const debeziumDir = () =>
  join(classpathDir('kafka-connect-plugins', DEBEZIUM_POM), 'debezium-connector-mysql');

/** Where one Connect worker listens and keeps its state (the shared one, or a test's own). */
export interface ConnectWorkerSettings {
  port: number;
  groupId: string;
  /** Prefix of its three internal topics (`<prefix>-configs`, `-offsets`, `-status`). */
  topicPrefix: string;
}
const SHARED_WORKER: ConnectWorkerSettings = {
  port: CONNECT_PORT,
  groupId: 'techmarket-connect',
  topicPrefix: 'techmarket-connect',
};

/**
 * Distributed mode, so connectors are registered over REST and their offsets live in Kafka. The
 * internal topics have one replica (one broker). JSON without embedded schemas keeps change events
 * small and readable by the CDC consumer; a connector can override its converters. Offsets are
 * flushed every second so a restarted connector repeats little.
 */
export function workerProperties(worker: ConnectWorkerSettings = SHARED_WORKER): string {
  return `bootstrap.servers=${KAFKA_ADDRESS}
group.id=${worker.groupId}
listeners=http://${CONNECT_HOST}:${worker.port}
rest.advertised.host.name=${CONNECT_HOST}
rest.advertised.port=${worker.port}
key.converter=org.apache.kafka.connect.json.JsonConverter
value.converter=org.apache.kafka.connect.json.JsonConverter
key.converter.schemas.enable=false
value.converter.schemas.enable=false
config.storage.topic=${worker.topicPrefix}-configs
offset.storage.topic=${worker.topicPrefix}-offsets
status.storage.topic=${worker.topicPrefix}-status
config.storage.replication.factor=1
offset.storage.replication.factor=1
status.storage.replication.factor=1
offset.storage.partitions=1
status.storage.partitions=1
offset.flush.interval.ms=1000
plugin.path=${dirname(debeziumDir())}
plugin.discovery=service_load
`;
}

/**
 * `/connectors` answers only once the worker has joined its group and read the config topic, and
 * the plugin list proves Debezium was loaded: the REST port alone opens well before either.
 */
export async function connectWorkerHealthy(base: string): Promise<boolean> {
  try {
    const connectors = await fetch(`${base}/connectors`, { signal: AbortSignal.timeout(3000) });
    if (!connectors.ok) return false;
    const plugins = await fetch(`${base}/connector-plugins`, { signal: AbortSignal.timeout(3000) });
    if (!plugins.ok) return false;
    const list = (await plugins.json()) as { class: string }[];
    return list.some((p) => p.class === DEBEZIUM_MYSQL_CONNECTOR);
  } catch {
    return false;
  }
}

/** The JVM's arguments for a distributed worker reading `propertiesFile`. */
export function connectWorkerArgs(propertiesFile: string): string[] {
  return [
    '-Xms256m',
    '-Xmx1g',
    '-XX:+UseG1GC',
    '-Djava.awt.headless=true',
    `-Dlog4j2.configurationFile=${CONNECT_LOG4J2}`,
    '-cp',
    `${libsDir()}/*`,
    'org.apache.kafka.connect.cli.ConnectDistributed',
    propertiesFile,
  ];
}

export const kafkaConnectPart: InfraPart = {
  name: 'kafka-connect',
  address: `${CONNECT_HOST}:${CONNECT_PORT}`,
  dependsOn: ['kafka'],
  // A cold JVM loads the REST stack and the plugins, then joins the worker group: a minute or two.
  startTimeoutSeconds: 240,

  async isInstalled() {
    return existsSync(JAVA_BIN) && isClasspathReady(libsDir()) && isClasspathReady(debeziumDir());
  },

  async install(ctx) {
    await ensureJvmTools(ctx.log);
    await copyDependencies(CONNECT_POM, libsDir(), ctx.log);
    await copyDependencies(DEBEZIUM_POM, debeziumDir(), ctx.log, (scratch) =>
      buildJar(join(MARIADB_COMPAT_DIR, 'pom.xml'), MARIADB_COMPAT_JAR, scratch, ctx.log),
    );
  },

  async start() {
    mkdirSync(CONNECT_HOME, { recursive: true });
    mkdirSync(LOG_DIR, { recursive: true });
    writeFileSync(CONNECT_PROPERTIES, workerProperties());
    return spawnDetached(JAVA_BIN, connectWorkerArgs(CONNECT_PROPERTIES), {
      logFile: join(LOG_DIR, 'kafka-connect.log'),
      cwd: CONNECT_HOME,
    });
  },

  async isHealthy() {
    return connectWorkerHealthy(`http://${CONNECT_HOST}:${CONNECT_PORT}`);
  },

  async version() {
    const kafka = pomProperty(CONNECT_POM, 'kafka.version');
    const debezium = pomProperty(DEBEZIUM_POM, 'debezium.version');
    return kafka && debezium ? `${kafka} (Debezium ${debezium})` : undefined;
  },
};
