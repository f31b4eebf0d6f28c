import { type ChildProcess, spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Kafka, logLevel } from 'kafkajs';
import { loadConfig } from '../../core/config.ts';
import { exec } from '../../core/exec.ts';
import { REPO_ROOT } from '../../core/paths.ts';
import { classpathDir, JAVA_BIN } from '../../ops/infra/maven.ts';
import { kafkaPart } from '../../ops/infra/parts/kafka.ts';
import { freePort } from './private-nginx.ts';

const KAFKA_POM = join(REPO_ROOT, 'ops/kafka/pom.xml');
const KAFKA_LOG4J = join(REPO_ROOT, 'ops/kafka/log4j.properties');

/**
 * A Kafka broker of this test's own (the jars the infra part installed, on free ports, in a temporary
 * folder), so a test can stop and restart it without touching the shared broker others use. A
 * restart keeps its data and ports: clients see the same broker come back.
 */
export interface PrivateKafka {
  brokers: string;
  stop(): Promise<void>;
  start(): Promise<void>;
}

export async function startPrivateKafka(home: string): Promise<PrivateKafka> {
  const brokerPort = await freePort();
  const controllerPort = await freePort();
  const data = join(home, 'data');
  mkdirSync(data, { recursive: true });
  const properties = join(home, 'server.properties');
  writeFileSync(
    properties,
    `process.roles=broker,controller
node.id=1
controller.quorum.voters=1@127.0.0.1:${controllerPort}
listeners=PLAINTEXT://127.0.0.1:${brokerPort},CONTROLLER://127.0.0.1:${controllerPort}
advertised.listeners=PLAINTEXT://127.0.0.1:${brokerPort}
controller.listener.names=CONTROLLER
inter.broker.listener.name=PLAINTEXT
listener.security.protocol.map=PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT
log.dirs=${data}
num.partitions=1
default.replication.factor=1
offsets.topic.replication.factor=1
offsets.topic.num.partitions=1
transaction.state.log.replication.factor=1
transaction.state.log.min.isr=1
group.initial.rebalance.delay.ms=0
auto.create.topics.enable=true
`,
  );
  // The broker's jars as the infra part installs them (its cache is keyed by this checkout's pom).
  if (!(await kafkaPart.isInstalled()))
    await kafkaPart.install({ config: loadConfig(), log: () => undefined });
  const classpath = `${join(classpathDir('kafka', KAFKA_POM), 'libs')}/*`;
  const jvm = [
    '-Xms128m',
    '-Xmx512m',
    '-XX:+UseG1GC',
    '-Djava.awt.headless=true',
    `-Dlog4j.configuration=file:${KAFKA_LOG4J}`,
  ];
  const clusterId = Buffer.from(randomUUID().replaceAll('-', ''), 'hex').toString('base64url');
  await exec(JAVA_BIN, [
    ...jvm,
    '-cp',
    classpath,
    'kafka.tools.StorageTool',
    'format',
    '-t',
    clusterId,
    '-c',
    properties,
  ]);
  const brokers = `127.0.0.1:${brokerPort}`;
  let child: ChildProcess | undefined;

  async function healthy(): Promise<boolean> {
    const admin = new Kafka({
      brokers: [brokers],
      logLevel: logLevel.NOTHING,
      retry: { retries: 0 },
    }).admin();
    try {
      await admin.connect();
      const cluster = await admin.describeCluster();
      return cluster.brokers.length > 0;
    } catch {
      return false;
    } finally {
      await admin.disconnect().catch(() => {});
    }
  }

  const handle: PrivateKafka = {
    brokers,
    async start() {
      child = spawn(
        JAVA_BIN,
        [...jvm, `-Dkafka.logs.dir=${home}`, '-cp', classpath, 'kafka.Kafka', properties],
        {
          stdio: 'ignore',
        },
      );
      const deadline = Date.now() + 180_000;
      while (!(await healthy())) {
        if (Date.now() > deadline) throw new Error('private kafka did not start within 180 s');
        await new Promise((r) => setTimeout(r, 500));
      }
    },
    async stop() {
      const running = child;
      if (!running || running.exitCode !== null) return;
      await new Promise<void>((resolve) => {
        running.once('exit', () => resolve());
        running.kill('SIGKILL');
      });
      child = undefined;
    },
  };
  await handle.start();
  return handle;
}
