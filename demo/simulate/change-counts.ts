/**
 * What one simulated day changed, by kind. Every count is the number of rows the database reported
 * inserted, changed or deleted by the statements of that kind (never the number attempted), so the
 * printed figures can be checked against the tables.
 */
export const CHANGE_KINDS = [
  'customers_created',
  'customers_moved_region',
  'customers_reassigned',
  'products_repriced',
  'products_renamed',
  'products_recategorized',
  'orders_created',
  'order_items_created',
  'orders_paid',
  'orders_shipped',
  'orders_delivered',
  'orders_cancelled',
  'orders_refunded',
  'order_items_deleted',
  'orders_retotaled',
  'payments_created',
  'payments_completed',
  'payments_failed',
  'payments_refunded',
  'outbox_events_created',
] as const;

export type ChangeKind = (typeof CHANGE_KINDS)[number];
export type ChangeCounts = Record<ChangeKind, number>;

export function emptyCounts(): ChangeCounts {
  return Object.fromEntries(CHANGE_KINDS.map((kind) => [kind, 0])) as ChangeCounts;
}

export function addCounts(into: ChangeCounts, from: ChangeCounts): ChangeCounts {
  for (const kind of CHANGE_KINDS) into[kind] += from[kind];
  return into;
}
