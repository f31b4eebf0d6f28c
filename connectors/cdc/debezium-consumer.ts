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

/** A message with what `decode` made of it as it arrived. */
export interface DecodedMessage<Decoded> extends CdcMessage {
  decoded: Decoded;
}

/** A micro-batch as `apply` receives it: its messages in arrival order, and what decoding them cost. */
export interface CdcBatch<Decoded> {
  messages: readonly DecodedMessage<Decoded>[];
  /** Time spent in `decode` for these messages (ms), spent while the batch before was applying. */
  decodeMs: number;
  /**
   * Messages known to wait in Kafka after this batch (the partitions' high watermarks at their last
   * fetch): a catch-up when large. 0 when the consumer stops: whatever `apply` holds must be made
   * durable now.
   */
  backlog: number;
}

/**
 * What `apply` did with a batch: made it durable with its offsets (`applied`), or took it into work
 * it will make durable with a later batch (`held`; a catch-up spreads one warehouse load over many
 * batches). Kafka's hint is committed only past applied batches.
 */
export type CdcApplyResult = 'applied' | 'held';

/**
 * Thrown by `apply` when batches it had held were lost before becoming durable (the warehouse
 * connection died under them): the consumer goes back to `storedOffsets` and reads them again.
 */
export class CdcReplayNeededError extends Error {}

export interface DebeziumConsumerOptions<Decoded> {
  brokers: readonly string[];
  groupId: string;
  topics: readonly string[];
  /** Next offset to apply per `topic:partition`; partitions not named start at their earliest offset. */
  startOffsets: ReadonlyMap<string, bigint>;
  /**
   * A batch is cut when it holds this many messages (default 50,000), or when the batch before it has
   * been applied, whichever comes first: during a catch-up batches are full, when caught up a batch
   * holds what arrived while the one before applied.
   */
  maxBatchMessages?: number;
  /** How long the first message of a batch waits for company when nothing is applying (default 20 ms). */
  maxBatchMs?: number;
  /**
   * Called for each message as it arrives, while the batch before may still be applying (the
   * warehouse's work is on its own core): the CPU of decoding overlaps it. Must not throw for bad
   * input; return what says so, and let `apply` dead-letter it.
   */
  decode(message: CdcMessage): Decoded;
  /**
   * Makes a batch durable with the offsets it covers (or holds it for a later batch to: see
   * CdcApplyResult); batches come one at a time, in order.
   */
  apply(batch: CdcBatch<Decoded>): Promise<CdcApplyResult>;
  /** The offsets made durable, read again when `apply` asks for a replay (CdcReplayNeededError). */
  storedOffsets(): Promise<ReadonlyMap<string, bigint>>;
  /** A failed apply is retried after a pause; this hears of each failure first. */
  onApplyError(error: Error): void;
}

export interface RunningConsumer {
  /** Applies what is buffered, then leaves the group. */
  stop(): Promise<void>;
}

const RETRY_PAUSE_MS = 1_000;
/**
 * What `apply` holds is made durable once no message has arrived for this long, or (while the last
 * fetches said more messages wait) for the longer stall: a catch-up's next fetch can take seconds to
 * arrive and parse on a loaded machine, and a held load cut early is a first load lost.
 */
const HELD_IDLE_MS = 1_000;
const HELD_STALLED_MS = 30_000;
/**
 * Decoding gives the thread back this often. A transform is ~100 queries one after another, each
 * resuming on this thread: with slices of 1,000 events (15 ms on one core, several times that under
 * load) a catch-up's transform took 143 s beside its decoding against 80 s without the overlap
 * (bench:cdc pair 2 in the runbook). A 2 ms slice bounds each query's wait.
 */
const DECODE_SLICE_MS = 2;
/** kafkajs's own heartbeat interval: it sends no more often than this whatever is asked. */
const HEARTBEAT_WHILE_APPLYING_MS = 3_000;

export function createKafka(brokers: readonly string[], clientId: string): Kafka {
  return new Kafka({ clientId, brokers: [...brokers], logLevel: logLevel.WARN });
}

export async function startDebeziumConsumer<Decoded>(
  kafka: Kafka,
  options: DebeziumConsumerOptions<Decoded>,
): Promise<RunningConsumer> {
  const maxMessages = options.maxBatchMessages ?? 50_000;
  const maxMs = options.maxBatchMs ?? 20;
  // Messages below these offsets are applied (or buffered): a redelivery is dropped here.
  const next = new Map(options.startOffsets);
  const admin = kafka.admin();
  await admin.connect();
  const starts: { topic: string; partition: number; offset: string }[] = [];
  // Per partition: messages in Kafka past what has been fetched (high watermark − next offset).
  const behind = new Map<string, number>();
  try {
    for (const topic of options.topics) {
      for (const p of await admin.fetchTopicOffsets(topic)) {
        const key = `${topic}:${p.partition}`;
        const low = BigInt(p.low);
        const stored = next.get(key);
        // A stored offset below what Kafka still holds (retention) starts at the earliest there is.
        const start = stored === undefined || stored < low ? low : stored;
        next.set(key, start);
        behind.set(key, Math.max(0, Number(BigInt(p.high) - start)));
        starts.push({ topic, partition: p.partition, offset: start.toString() });
      }
    }
  } finally {
    await admin.disconnect();
  }

  const consumer: Consumer = kafka.consumer({
    groupId: options.groupId,
    // Caught up, a fetch returns as soon as one message is there: its wait is pure lag.
    maxWaitTimeInMs: 50,
    maxBytes: 64 << 20,
    // kafkajs fetches 1 MiB per partition by default: a round trip per ~1,500 Debezium events.
    maxBytesPerPartition: 16 << 20,
  });
  await consumer.connect();
  await consumer.subscribe({ topics: [...options.topics], fromBeginning: true });

  let buffer: DecodedMessage<Decoded>[] = [];
  let bufferDecodeMs = 0;
  let timer: NodeJS.Timeout | undefined;
  // Whether the pending timer applies what is held (nothing arrived after it) rather than the buffer.
  let timerFinal = false;
  let lastArrival = performance.now();
  let stopping = false;
  // Whether `apply` holds batches not yet durable, and Kafka's hint for when they are.
  let holding = false;
  const hint = new Map<string, { topic: string; partition: number; offset: string }>();
  // Applies run one after another on this chain (the warehouse commits them in offset order); a
  // batch is cut from the buffer only when its turn comes, so it takes everything that arrived meanwhile.
  let chain: Promise<void> = Promise.resolve();
  const backlog = () => {
    let n = 0;
    for (const v of behind.values()) n += v;
    return n;
  };

  /** Back to the stored offsets: what was buffered or held is read again from Kafka. */
  const replay = async () => {
    // Stopping: the next start reads the stored offsets anyway.
    const stored = stopping ? null : await options.storedOffsets();
    // From here on without a pause: a fetch being decoded meanwhile went on filling the buffer and
    // moving `next`, and what it took must go with the rest (its partitions come again after the seek).
    buffer = [];
    bufferDecodeMs = 0;
    holding = false;
    hint.clear();
    if (!stored) return;
    for (const start of starts) {
      const key = `${start.topic}:${start.partition}`;
      const offset = stored.get(key) ?? BigInt(start.offset);
      next.set(key, offset);
      // Pending until the next fetch of the partition: batches fetched before are stale (isStale).
      consumer.seek({ topic: start.topic, partition: start.partition, offset: offset.toString() });
    }
  };

  const applyNext = async (final: boolean) => {
    if (buffer.length === 0 && !(holding && final)) return;
    const batch: CdcBatch<Decoded> = {
      messages: buffer,
      decodeMs: bufferDecodeMs,
      backlog: final ? 0 : backlog(),
    };
    buffer = [];
    bufferDecodeMs = 0;
    let result: CdcApplyResult;
    for (;;) {
      try {
        result = await options.apply(batch);
        break;
      } catch (error) {
        options.onApplyError(batchFailure(batch.messages, error as Error));
        if (error instanceof CdcReplayNeededError) {
          await replay();
          return;
        }
        if (stopping) throw error;
        await new Promise((r) => setTimeout(r, RETRY_PAUSE_MS));
      }
    }
    for (const m of batch.messages) {
      hint.set(`${m.topic}:${m.partition}`, {
        topic: m.topic,
        partition: m.partition,
        offset: (m.offset + 1n).toString(),
      });
    }
    holding = result === 'held';
    if (holding) {
      // Nothing more arriving (the backlog went away under retention, or a stop): apply what is held.
      if (buffer.length === 0 && !timer) schedule(HELD_IDLE_MS, true);
      return;
    }
    // The fault suite kills the consumer here: the warehouse has the batch, Kafka's hint lags.
    faultPause('cdc-after-warehouse-commit');
    const commit = [...hint.values()];
    hint.clear();
    await consumer.commitOffsets(commit).catch(() => {});
  };
  const flush = (final = false): Promise<void> => {
    if (timer) clearTimeout(timer);
    timer = undefined;
    chain = chain.then(() => applyNext(final));
    return chain;
  };
  function schedule(ms: number, final: boolean) {
    if (timer) clearTimeout(timer);
    timerFinal = final;
    timer = setTimeout(() => {
      timer = undefined;
      if (!final || buffer.length > 0) return void flush(false).catch(() => {});
      // Messages still arriving, or known to wait in Kafka (a fetch under way): the held load goes on.
      const quiet = performance.now() - lastArrival;
      const patience = backlog() > 0 ? HELD_STALLED_MS : HELD_IDLE_MS;
      if (quiet < patience) return schedule(patience - quiet, true);
      void flush(true).catch(() => {});
    }, ms);
  }
  /** Waits for `work`, heartbeating the group meanwhile. */
  const beating = async (work: Promise<void>, heartbeat: () => Promise<void>) => {
    // A big batch's apply can outlast the group's session timeout (30 s in kafkajs): without beats
    // meanwhile the coordinator drops this member and the group rebalances in mid catch-up.
    const beat = setInterval(() => void heartbeat().catch(() => {}), HEARTBEAT_WHILE_APPLYING_MS);
    try {
      await work;
    } finally {
      clearInterval(beat);
    }
  };

  await consumer.run({
    autoCommit: false,
    eachBatch: async ({ batch, heartbeat, isStale }) => {
      const key = `${batch.topic}:${batch.partition}`;
      let decoding = performance.now();
      for (const message of batch.messages) {
        // Fetched before a replay's seek: those offsets come again.
        if (isStale()) break;
        if (performance.now() - decoding >= DECODE_SLICE_MS) {
          // Let the apply under way go on between slices: each of its queries resumes on this thread,
          // and a fetch's worth of decoding at once (16 MiB, ~10,000 events) held every one of them up.
          bufferDecodeMs += performance.now() - decoding;
          await new Promise((r) => setImmediate(r));
          decoding = performance.now();
        }
        const offset = BigInt(message.offset);
        if (offset < (next.get(key) ?? 0n)) continue;
        next.set(key, offset + 1n);
        const raw: CdcMessage = {
          topic: batch.topic,
          partition: batch.partition,
          offset,
          key: message.key,
          value: message.value,
        };
        buffer.push({ ...raw, decoded: options.decode(raw) });
        lastArrival = performance.now();
      }
      bufferDecodeMs += performance.now() - decoding;
      if (!isStale() && batch.messages.length > 0) {
        behind.set(key, Math.max(0, Number(BigInt(batch.highWatermark) - (next.get(key) ?? 0n))));
      }
      if (buffer.length >= maxMessages) {
        // One batch applying, one filling: wait for the one applying (fetching stops meanwhile, so at
        // most two batches are held), then start this one and go on fetching and decoding the next.
        await beating(
          chain.catch(() => {}),
          heartbeat,
        );
        if (buffer.length >= maxMessages) void flush().catch(() => {});
      } else if (buffer.length > 0 && (!timer || timerFinal)) schedule(maxMs, false);
      await heartbeat();
    },
  });
  for (const start of starts) consumer.seek(start);

  return {
    async stop() {
      stopping = true;
      await consumer.stop();
      await flush(true);
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
