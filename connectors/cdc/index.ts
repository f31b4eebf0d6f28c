export {
  type CdcApplyResult,
  type CdcBatch,
  type CdcMessage,
  CdcReplayNeededError,
  createKafka,
  type DeadLetter,
  type DebeziumConsumerOptions,
  type DecodedMessage,
  type RunningConsumer,
  sendToDeadLetter,
  startDebeziumConsumer,
} from './debezium-consumer.ts';
export {
  type CdcColumnKind,
  type CdcTableShape,
  type DecodedChange,
  decodeChange,
  microsToUtcText,
  UndecodableChangeError,
} from './debezium-envelope.ts';
