export {
  type CdcBatch,
  type CdcMessage,
  type DebeziumConsumerOptions,
  type DecodedMessage,
  createKafka,
  type DeadLetter,
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
