export {
  CDC_APPLY_LOCK,
  type CdcApplierOptions,
  type CdcApplyOutcome,
  createCdcApplier,
} from './apply-batch.ts';
export { DEFAULT_HOLD_WHILE_BACKLOG, DEFAULT_MAX_LOAD_EVENTS } from './catch-up-defaults.ts';
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
