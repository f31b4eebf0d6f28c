/**
 * The catch-up's defaults (CdcApplierOptions), apart from the applier so that the CLI's command
 * definitions can show them without loading the consumer.
 */
export const DEFAULT_HOLD_WHILE_BACKLOG = 10_000;
export const DEFAULT_MAX_LOAD_EVENTS = 1_500_000;
