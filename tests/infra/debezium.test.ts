import { randomBytes, randomInt } from 'node:crypto';
import { Kafka, logLevel } from 'kafkajs';
import { createConnection } from 'mysql2/promise';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { etlSourceUrl, loadConfig, sourceUrl } from '../../core/config.ts';
import { connectorStatus, deleteConnector, putConnector } from '../../ops/kafka-connect/connect-client.ts';
import { debeziumSourceConfig } from '../../ops/kafka-connect/debezium-source-config.ts';
import { ensureParts } from './ensure-parts.ts';

const config = loadConfig();
const kafka = new Kafka({
  clientId: 'techmarket-cdc-test',
  brokers: config.KAFKA_BROKERS.split(','),
  logLevel: logLevel.WARN,
});

interface ChangeEvent {
  key: { id: number };
  value: { op: string; before: Record<string, unknown> | null; after: Record<string, unknown> | null } | null;
}

async function waitUntil(
  what: string,
  check: () => boolean | Promise<boolean>,
  seconds = 120,
): Promise<void> {
  const deadline = Date.now() + seconds * 1000;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 250));
  }
}

describe('Debezium on Kafka Connect against MariaDB', () => {
  const suffix = randomBytes(4).toString('hex');
  const database = `cdc_probe_${suffix}`;
  const prefix = `cdcprobe${suffix}`;
  const connector = `cdc-probe-${suffix}`;
  const topic = `${prefix}.${database}.items`;
  const events: ChangeEvent[] = [];
  const consumer = kafka.consumer({ groupId: `cdc-probe-${suffix}` });
  // The owner account of the orders database makes the scratch database and changes its rows.
  const owner = () => createConnection(sourceUrl(config, 'orders'));

  beforeAll(async () => {
    await ensureParts('mariadb', 'kafka', 'kafka-connect');
    const db = await owner();
    await db.query(`create database \`${database}\``);
    await db.query(`grant select on \`${database}\`.* to ?@'%'`, [config.ETL_SOURCE_USER]);
    await db.query(
      `create table \`${database}\`.items (
         id bigint primary key, name varchar(100) not null, price decimal(12,2) not null,
         updated_at datetime(6) not null default current_timestamp(6) on update current_timestamp(6))`,
    );
    await db.query(`insert into \`${database}\`.items (id, name, price) values (1, 'seed', 1.00)`);
    await db.end();
  });

  afterAll(async () => {
    await consumer.disconnect().catch(() => {});
    await deleteConnector(config.KAFKA_CONNECT_URL, connector).catch(() => {});
    const admin = kafka.admin();
    await admin.connect();
    await admin.deleteTopics({ topics: [topic, `${prefix}.schema-history`] }).catch(() => {});
    await admin.deleteGroups([`cdc-probe-${suffix}`]).catch(() => {});
    await admin.disconnect();
    const db = await owner();
    await db.query(`drop database if exists \`${database}\``);
    await db.end();
  });

  it('emits create, update, delete and a tombstone for a row changed in the source', async () => {
    await putConnector(
      config.KAFKA_CONNECT_URL,
      connector,
      debeziumSourceConfig({
        topicPrefix: prefix,
        serverId: randomInt(10_000, 2_000_000_000),
        sourceUrl: etlSourceUrl(config, 'orders'), // the ETL's read-only account, as in production
        databases: [database],
        kafkaBrokers: config.KAFKA_BROKERS,
      }),
    );
    await waitUntil('the connector to run', async () => {
      const status = await connectorStatus(config.KAFKA_CONNECT_URL, connector);
      if (status?.tasks.some((t) => t.state === 'FAILED')) throw new Error(status.tasks[0]?.trace);
      return status?.tasks[0]?.state === 'RUNNING';
    });

    // The snapshot of the seed row creates the topic and marks the binlog position streaming starts
    // from: changes made after it arrived are streamed, never folded into the snapshot.
    const admin = kafka.admin();
    await admin.connect();
    await waitUntil('the change topic', async () => (await admin.listTopics()).includes(topic));
    await admin.disconnect();
    await consumer.connect();
    await consumer.subscribe({ topic, fromBeginning: true });
    await consumer.run({
      eachMessage: async ({ message }) => {
        events.push({
          key: JSON.parse(message.key!.toString()),
          value: message.value ? JSON.parse(message.value.toString()) : null,
        });
      },
    });
    await waitUntil('the snapshot of the seed row', () => events.some((e) => e.value?.op === 'r'));

    const db = await owner();
    await db.query(`insert into \`${database}\`.items (id, name, price) values (2, 'probe', 12.50)`);
    await db.query(`update \`${database}\`.items set name = 'probe v2', price = 13.75 where id = 2`);
    await db.query(`delete from \`${database}\`.items where id = 2`);
    await db.end();

    await waitUntil('four events for row 2', () => events.filter((e) => e.key.id === 2).length >= 4);
    const row2 = events.filter((e) => e.key.id === 2);
    expect(row2.map((e) => e.value?.op ?? 'tombstone')).toEqual(['c', 'u', 'd', 'tombstone']);
    expect(row2[0]!.value!.after).toMatchObject({ id: 2, name: 'probe', price: '12.50' });
    expect(row2[1]!.value!.before).toMatchObject({ name: 'probe', price: '12.50' });
    expect(row2[1]!.value!.after).toMatchObject({ name: 'probe v2', price: '13.75' });
    expect(row2[2]!.value!.before).toMatchObject({ id: 2, name: 'probe v2' });
    expect(row2[2]!.value!.after).toBeNull();
  });
});
