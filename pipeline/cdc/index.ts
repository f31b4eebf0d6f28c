export {
  applyCdcBatch,
  CDC_APPLY_LOCK,
  type CdcApplierOptions,
  type CdcApplyOutcome,
  createCdcApplier,
  DEFAULT_MAX_LOAD_EVENTS,
} from './apply-batch.ts';
export { cdcMetrics } from './cdc-metrics.ts';
export {
  changeTopic,
  connectorName,
  consumerGroup,
  deadLetterTopic,
  heartbeatTopic,
  physicalDatabase,
  schemaHistoryTopic,
  topicPrefix,
} from './cdc-names.ts';
export { CdcConsumerRunningError, type CdcRunnerOptions, runCdcConsumer } from './cdc-runner.ts';
export { type CdcStatus, cdcStatus } from './cdc-status.ts';
export {
  type ConnectorReport,
  describeConnector,
  type RegisteredConnector,
  registerConnector,
  removeConnector,
  tableConnectorConfig,
  warehouseHolds,
} from './connector-registry.ts';
export { type SwitchOutcome, switchTable } from './switch-table.ts';
