import type { Kysely } from 'kysely';
import type { OrderPaidEvent } from '../kit/events.ts';
import type { Channel } from './channel.ts';
import type { NotificationsDatabase } from './database.ts';
import { deliverOnce } from './deliver-once.ts';

/** The order confirmation of an OrderPaid event, sent once per event id (deliver-once.ts). */
export function handleOrderPaid(
  db: Kysely<NotificationsDatabase>,
  channel: Channel,
  event: OrderPaidEvent,
): Promise<'sent' | 'duplicate'> {
  const { data } = event;
  return deliverOnce(db, channel, {
    eventId: event.id,
    eventType: event.type,
    userId: data.userId,
    payload: { orderId: data.orderId, totalAmount: data.totalAmount, currency: data.currency },
    message: {
      to: data.email,
      subject: `Order ${data.orderId} is paid`,
      text: `Thank you: we received ${data.totalAmount} ${data.currency} for order ${data.orderId}.`,
    },
  });
}
