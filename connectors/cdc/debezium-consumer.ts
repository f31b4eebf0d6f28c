import { type Consumer, Kafka, logLevel, type Producer } from 'kafkajs';
import { faultPause } from '../../core/fault-pause.ts';

/**
 * Reads Debezium change topics in micro-batches and hands each batch to `apply`, which must make it
 * durable (with the offsets it covers) before it resolves. Where to start is the caller's: the
 * warehouse's stored offsets are the authority, Kafka's committed offsets only a hint written after
 * each batch. Knows nothing of the warehouse.
 */

export interface CdcMessage {
  topic: string;
  partition: number;
  offset: bigint;
  key: Buffer | null;
  value: Buffer | null;
}

export interface DeadLetter {
  message: CdcMessage;
  reason: string;
}

export interface DebeziumConsumerOptions {
  brokers: readonly string[];
  groupId: string;
  topics: readonly string[];
  /** Next offset to apply per `topic:partition`; partitions not named start at their earliest offset. */
  startOffsets: ReadonlyMap<string, bigint>;
  /** A batch is applied when it holds this many messages (default 50,000) … */
  maxBatchMessages?: number;
  /** … or when its first message has waited this long (default 200 ms). */
  maxBatchMs?: number;
  apply(messages: readonly CdcMessage[]): Promise<void>;
  /** A failed apply is retried after a pause; this hears of each failure first. */
  onApplyError(error: Error): void;
}

export interface RunningConsumer {
  /** Applies what is buffered, then leaves the group. */
  stop(): Promise<void>;
}

const RETRY_PAUSE_MS = 1_000;
/** kafkajs's own heartbeat interval: it sends no more often than this whatever is asked. */
const HEARTBEAT_WHILE_APPLYING_MS = 3_000;

export function createKafka(brokers: readonly string[], clientId: string): Kafka {
  return new Kafka({ clientId, brokers: [...brokers], logLevel: logLevel.WARN });
}

export async function startDebeziumConsumer(
  kafka: Kafka,
  options: DebeziumConsumerOptions,
): Promise<RunningConsumer> {
  const maxMessages = options.maxBatchMessages ?? 50_000;
  const maxMs = options.maxBatchMs ?? 200;
  // Messages below these offsets are applied (or buffered): a redelivery is dropped here.
  const next = new Map(options.startOffsets);
  const admin = kafka.admin();
  await admin.connect();
  const starts: { topic: string; partition: number; offset: string }[] = [];
  try {
    for (const topic of options.topics) {
      for (const p of await admin.fetchTopicOffsets(topic)) {
        const key = `${topic}:${p.partition}`;
        const low = BigInt(p.low);
        const stored = next.get(key);
        // A stored offset below what Kafka still holds (retention) starts at the earliest there is.
        const start = stored === undefined || stored < low ? low : stored;
        next.set(key, start);
        starts.push({ topic, partition: p.partition, offset: start.toString() });
      }
    }
  } finally {
    await admin.disconnect();
  }

  const consumer: Consumer = kafka.consumer({
    groupId: options.groupId,
    maxWaitTimeInMs: 50,
    maxBytes: 64 << 20,
    // kafkajs fetches 1 MiB per partition by default: a round trip per ~1,500 Debezium events.
    maxBytesPerPartition: 16 << 20,
  });
  await consumer.connect();
  await consumer.subscribe({ topics: [...options.topics], fromBeginning: true });

  let buffer: CdcMessage[] = [];
  let timer: NodeJS.Timeout | undefined;
  let stopping = false;
  let chain: Promise<void> = Promise.resolve();

  const flush = (): Promise<void> => {
    chain = chain.then(async () => {
      if (timer) clearTimeout(timer);
      timer = undefined;
      if (buffer.length === 0) return;
      const batch = buffer;
      buffer = [];
      for (;;) {
        try {
          await options.apply(batch);
          break;
        } catch (error) {
          options.onApplyError(batchFailure(batch, error as Error));
          if (stopping) throw error;
          await new Promise((r) => setTimeout(r, RETRY_PAUSE_MS));
        }
      }
      // The fault suite kills the consumer here: the warehouse has the batch, Kafka's hint lags.
      faultPause('cdc-after-warehouse-commit');
      const hint = new Map<string, { topic: string; partition: number; offset: string }>();
      for (const m of batch) {
        hint.set(`${m.topic}:${m.partition}`, {
          topic: m.topic,
          partition: m.partition,
          offset: (m.offset + 1n).toString(),
        });
      }
      await consumer.commitOffsets([...hint.values()]).catch(() => {});
    });
    return chain;
  };

  await consumer.run({
    autoCommit: false,
    eachBatch: async ({ batch, heartbeat }) => {
      const key = `${batch.topic}:${batch.partition}`;
      for (const message of batch.messages) {
        const offset = BigInt(message.offset);
        if (offset < (next.get(key) ?? 0n)) continue;
        next.set(key, offset + 1n);
        buffer.push({
          topic: batch.topic,
          partition: batch.partition,
          offset,
          key: message.key,
          value: message.value,
        });
      }
      if (buffer.length >= maxMessages) {
        // A big batch's apply can outlast the group's session timeout (30 s in kafkajs): without beats
        // meanwhile the coordinator drops this member and the group rebalances in mid catch-up.
        const beating = setInterval(() => void heartbeat().catch(() => {}), HEARTBEAT_WHILE_APPLYING_MS);
        try {
          await flush();
        } finally {
          clearInterval(beating);
        }
      } else if (buffer.length > 0 && !timer) timer = setTimeout(() => void flush().catch(() => {}), maxMs);
      await heartbeat();
    },
  });
  for (const start of starts) consumer.seek(start);

  return {
    async stop() {
      stopping = true;
      await consumer.stop();
      await flush();
      await consumer.disconnect();
    },
  };
}

/**
 * A failed batch's error with where the batch is, so `cdc status` and the logs say which messages
 * hold the stream up: per partition the first and last offset.
 */
export function batchFailure(batch: readonly CdcMessage[], error: Error): Error {
  const ranges = new Map<string, { first: bigint; last: bigint }>();
  for (const m of batch) {
    const key = `${m.topic} partition ${m.partition}`;
    const range = ranges.get(key);
    if (!range) ranges.set(key, { first: m.offset, last: m.offset });
    else range.last = m.offset;
  }
  const where = [...ranges].map(([key, r]) => `${key} offsets ${r.first}–${r.last}`).join(', ');
  return new Error(
    `cannot apply ${batch.length} messages (${where}): ${error.message}; retried every second, nothing after them is applied meanwhile — fix the cause (techmarket cdc status shows this error)`,
    { cause: error },
  );
}

/** Sends undecodable messages to the dead-letter topic with where they came from and why. */
export async function sendToDeadLetter(producer: Producer, topic: string, letters: readonly DeadLetter[]) {
  if (letters.length === 0) return;
  await producer.send({
    topic,
    acks: -1,
    messages: letters.map(({ message, reason }) => ({
      key: message.key,
      value: message.value,
      headers: {
        'cdc.topic': message.topic,
        'cdc.partition': String(message.partition),
        'cdc.offset': message.offset.toString(),
        'cdc.reason': reason,
      },
    })),
  });
}
