import { type ChildProcess, spawn } from 'node:child_process';
import { openSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Kafka, logLevel } from 'kafkajs';
import { loadConfig } from '../../../core/config.ts';
import { JAVA_BIN } from '../../../ops/infra/maven.ts';
import {
  connectWorkerArgs,
  connectWorkerHealthy,
  kafkaConnectPart,
  workerProperties,
} from '../../../ops/infra/parts/kafka-connect.ts';
import { freePort } from '../../services/private-nginx.ts';

/**
 * A Kafka Connect worker of this test's own: the jars the infra part installed, a free REST port, its
 * own group and its own three internal topics on the shared broker. The test can kill and start it
 * again without touching the shared worker others use; a restart keeps its port and its topics, so
 * its connectors resume from the offsets it last flushed, as after a real crash.
 */
export interface PrivateKafkaConnect {
  url: string;
  /** Its internal topics, to delete when the test is done. */
  topics: string[];
  start(): Promise<void>;
  /** SIGKILL: offsets not yet flushed (every second) are lost, and their events are sent again. */
  kill(): Promise<void>;
}

export async function startPrivateKafkaConnect(home: string, name: string): Promise<PrivateKafkaConnect> {
  if (!(await kafkaConnectPart.isInstalled()))
    await kafkaConnectPart.install({ config: loadConfig(), log: () => undefined });
  const port = await freePort();
  const topicPrefix = `techmarket-connect-${name}`;
  const properties = join(home, 'connect-distributed.properties');
  writeFileSync(properties, workerProperties({ port, groupId: topicPrefix, topicPrefix }));
  const url = `http://127.0.0.1:${port}`;
  let child: ChildProcess | undefined;

  const handle: PrivateKafkaConnect = {
    url,
    topics: ['configs', 'offsets', 'status'].map((t) => `${topicPrefix}-${t}`),
    async start() {
      const log = openSync(join(home, 'kafka-connect.log'), 'a');
      child = spawn(JAVA_BIN, connectWorkerArgs(properties), { cwd: home, stdio: ['ignore', log, log] });
      const deadline = Date.now() + 240_000;
      while (!(await connectWorkerHealthy(url))) {
        if (child.exitCode !== null)
          throw new Error(`private Kafka Connect exited ${child.exitCode}; see ${home}`);
        if (Date.now() > deadline)
          throw new Error(`private Kafka Connect did not start within 240 s; see ${home}`);
        await new Promise((r) => setTimeout(r, 1000));
      }
    },
    async kill() {
      const running = child;
      if (!running || running.exitCode !== null || running.signalCode !== null) return;
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

/** Deletes a private worker's internal topics from the shared broker. */
export async function dropWorkerTopics(brokers: string, topics: readonly string[]): Promise<void> {
  const admin = new Kafka({ brokers: brokers.split(','), logLevel: logLevel.NOTHING }).admin();
  await admin.connect();
  try {
    const existing = new Set(await admin.listTopics());
    const mine = topics.filter((t) => existing.has(t));
    if (mine.length > 0) await admin.deleteTopics({ topics: mine });
  } finally {
    await admin.disconnect();
  }
}
