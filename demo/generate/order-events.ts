import { formatKopecks } from '../money.ts';
import type { SeededRandom } from '../random/seeded-random.ts';
import {
  formatDatetime,
  MICROS_PER_DAY,
  MICROS_PER_MILLISECOND,
  MICROS_PER_SECOND,
} from '../time/timestamps.ts';
import type { RowSink } from '../writer/row-sink.ts';
import type { OrderLifecycle } from './order-lifecycle.ts';

export const OUTBOX_COLUMNS = [
  'id',
  'created_at',
  'updated_at',
  'event_id',
  'aggregate_type',
  'aggregate_id',
  'event_type',
  'payload',
  'published_at',
] as const;
export const NOTIFICATION_COLUMNS = [
  'id',
  'created_at',
  'updated_at',
  'event_id',
  'event_type',
  'channel',
  'recipient',
  'status',
  'payload',
  'sent_at',
] as const;
export const PROCESSED_EVENT_COLUMNS = ['id', 'created_at', 'updated_at', 'event_id', 'event_type'] as const;

/** The orders service purges published outbox rows after a week. */
const OUTBOX_RETENTION_DAYS = 7;
/** The notifications service keeps three months. */
const NOTIFICATION_RETENTION_DAYS = 90;

export interface EventIds {
  outbox: number;
  notification: number;
  processedEvent: number;
}

export interface EventSinks {
  outbox: RowSink;
  notifications: RowSink;
  processed_events: RowSink;
}

interface OrderFacts {
  id: number;
  customerId: number;
  email: string;
  phone: string | null;
  totalKopecks: number;
  life: OrderLifecycle;
}

/**
 * OrderPaid and OrderShipped as they travelled: through the orders outbox (kept a week), to the
 * notifications service, which recorded the event and sent an e-mail, sometimes an SMS or a push.
 */
export function pushOrderEvents(
  random: SeededRandom,
  sinks: EventSinks,
  ids: EventIds,
  order: OrderFacts,
  anchor: number,
): void {
  const { life } = order;
  if (life.paidAt !== null) {
    pushEvent(random, sinks, ids, order, 'OrderPaid', life.paidAt, anchor, {
      orderId: order.id,
      customerId: order.customerId,
      amount: formatKopecks(order.totalKopecks),
      currency: 'UAH',
      paidAt: `${formatDatetime(life.paidAt).replace(' ', 'T')}Z`,
    });
  }
  if (life.shippedAt !== null) {
    pushEvent(random, sinks, ids, order, 'OrderShipped', life.shippedAt, anchor, {
      orderId: order.id,
      customerId: order.customerId,
      carrier: random.pick(['Нова пошта', 'Укрпошта', 'Meest']),
    });
  }
}

function pushEvent(
  random: SeededRandom,
  sinks: EventSinks,
  ids: EventIds,
  order: OrderFacts,
  type: string,
  occurredAt: number,
  anchor: number,
  data: Record<string, unknown>,
): void {
  const eventId = random.uuid();
  const payload = JSON.stringify({
    id: eventId,
    type,
    occurredAt: `${formatDatetime(occurredAt).replace(' ', 'T')}Z`,
    data,
  });
  const published = occurredAt + random.int(200, 3000) * MICROS_PER_MILLISECOND;
  if (occurredAt >= anchor - OUTBOX_RETENTION_DAYS * MICROS_PER_DAY && published < anchor) {
    sinks.outbox.push([
      ++ids.outbox,
      formatDatetime(occurredAt),
      formatDatetime(published),
      eventId,
      'order',
      order.id,
      type,
      payload,
      formatDatetime(published),
    ]);
  }
  const received = published + random.int(50, 900) * MICROS_PER_MILLISECOND;
  if (occurredAt < anchor - NOTIFICATION_RETENTION_DAYS * MICROS_PER_DAY || received >= anchor) return;
  const receivedText = formatDatetime(received);
  sinks.processed_events.push([++ids.processedEvent, receivedText, receivedText, eventId, type]);
  const notify = (channel: string, recipient: string) => {
    const sentAt = received + random.int(1, 5) * MICROS_PER_SECOND;
    const status = sentAt >= anchor ? 'queued' : random.chance(0.98) ? 'sent' : 'failed';
    const touched = status === 'queued' ? received : sentAt;
    sinks.notifications.push([
      ++ids.notification,
      receivedText,
      formatDatetime(touched),
      eventId,
      type,
      channel,
      recipient,
      status,
      JSON.stringify({ orderId: order.id, template: type === 'OrderPaid' ? 'order-paid' : 'order-shipped' }),
      status === 'sent' ? formatDatetime(sentAt) : null,
    ]);
  };
  notify('email', order.email);
  if (order.phone !== null && random.chance(0.35)) notify('sms', order.phone);
  if (random.chance(0.15)) notify('push', `device:${random.hex(16)}`);
}
