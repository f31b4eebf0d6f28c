import { randomUUID } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Kafka, logLevel } from 'kafkajs';
import { exec, spawnDetached } from '../../../core/exec.ts';
import { LOG_DIR, REPO_ROOT, STATE_DIR } from '../../../core/paths.ts';
import {
  classpathDir,
  copyDependencies,
  ensureJvmTools,
  isClasspathReady,
  JAVA_BIN,
  pomProperty,
} from '../maven.ts';
import type { InfraPart } from '../part.ts';

/** The broker's jars are pinned in this pom (kafka.version), resolved from Maven Central. */
const KAFKA_POM = join(REPO_ROOT, 'ops/kafka/pom.xml');
const KAFKA_LOG4J = join(REPO_ROOT, 'ops/kafka/log4j.properties');
export const KAFKA_ADDRESS = '127.0.0.1:9092';
/** The KRaft controller listener, for the broker's own quorum only. */
const KAFKA_CONTROLLER_ADDRESS = '127.0.0.1:9093';
const KAFKA_HOME = join(STATE_DIR, 'kafka');
const KAFKA_DATA = join(KAFKA_HOME, 'data');
const KAFKA_PROPERTIES = join(KAFKA_HOME, 'server.properties');
/** A 3.9 broker with a 1 GiB heap starts in about 10 s on 2 cores; a cold JVM and disk take longer. */
const KAFKA_START_TIMEOUT_SECONDS = 180;

const libsDir = () => join(classpathDir('kafka', KAFKA_POM), 'libs');

/**
 * One combined broker and controller (KRaft, no ZooKeeper). Internal topics have one replica because
 * there is one broker; the rebalance delay is 0 so consumer groups join at once in tests.
 */
function serverProperties(): string {
  return `process.roles=broker,controller
node.id=1
controller.quorum.voters=1@${KAFKA_CONTROLLER_ADDRESS}
listeners=PLAINTEXT://${KAFKA_ADDRESS},CONTROLLER://${KAFKA_CONTROLLER_ADDRESS}
advertised.listeners=PLAINTEXT://${KAFKA_ADDRESS}
controller.listener.names=CONTROLLER
inter.broker.listener.name=PLAINTEXT
listener.security.protocol.map=PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT
log.dirs=${KAFKA_DATA}
num.partitions=1
default.replication.factor=1
offsets.topic.replication.factor=1
transaction.state.log.replication.factor=1
transaction.state.log.min.isr=1
group.initial.rebalance.delay.ms=0
auto.create.topics.enable=true
log.retention.hours=168
`;
}

/** The cluster id is made once and kept, so a restart finds storage formatted for the same cluster. */
function clusterId(): string {
  const path = join(KAFKA_HOME, 'cluster-id');
  if (existsSync(path)) return readFileSync(path, 'utf8').trim();
  // StorageTool's random-uuid is a base64url UUID; node makes the same without starting a JVM.
  const id = Buffer.from(randomUUID().replaceAll('-', ''), 'hex').toString('base64url');
  writeFileSync(path, `${id}\n`);
  return id;
}

export const kafkaPart: InfraPart = {
  name: 'kafka',
  address: KAFKA_ADDRESS,
  startTimeoutSeconds: KAFKA_START_TIMEOUT_SECONDS,

  async isInstalled() {
    return existsSync(JAVA_BIN) && isClasspathReady(libsDir());
  },

  async install(ctx) {
    await ensureJvmTools(ctx.log);
    await copyDependencies(KAFKA_POM, libsDir(), ctx.log);
  },

  async start(ctx) {
    mkdirSync(KAFKA_DATA, { recursive: true });
    mkdirSync(LOG_DIR, { recursive: true });
    writeFileSync(KAFKA_PROPERTIES, serverProperties());
    const classpath = `${libsDir()}/*`;
    const jvm = ['-Xms256m', '-Xmx1g', '-XX:+UseG1GC', '-Djava.awt.headless=true'];
    const logging = `-Dlog4j.configuration=file:${KAFKA_LOG4J}`;
    if (!existsSync(join(KAFKA_DATA, 'meta.properties'))) {
      ctx.log(`  kafka-storage format ${KAFKA_DATA}`);
      await exec(JAVA_BIN, [
        ...jvm,
        logging,
        '-cp',
        classpath,
        'kafka.tools.StorageTool',
        'format',
        '--ignore-formatted',
        '-t',
        clusterId(),
        '-c',
        KAFKA_PROPERTIES,
      ]);
    }
    return spawnDetached(
      JAVA_BIN,
      [...jvm, logging, `-Dkafka.logs.dir=${LOG_DIR}`, '-cp', classpath, 'kafka.Kafka', KAFKA_PROPERTIES],
      { logFile: join(LOG_DIR, 'kafka.log'), cwd: KAFKA_HOME },
    );
  },

  /** Healthy when the broker answers a metadata request as the platform's own client (kafkajs) sends it. */
  async isHealthy() {
    const admin = new Kafka({
      clientId: 'techmarket-infra',
      brokers: [KAFKA_ADDRESS],
      logLevel: logLevel.NOTHING,
      connectionTimeout: 2000,
      retry: { retries: 0 },
    }).admin();
    try {
      await admin.connect();
      const cluster = await admin.describeCluster();
      return cluster.brokers.length > 0 && cluster.controller !== null;
    } catch {
      return false;
    } finally {
      await admin.disconnect().catch(() => {});
    }
  },

  async version() {
    return pomProperty(KAFKA_POM, 'kafka.version');
  },
};
