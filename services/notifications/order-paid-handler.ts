import { type Kysely, sql } from 'kysely';
import type { OrderPaidEvent } from '../kit/events.ts';
import { isDuplicateKey } from '../shared/index.ts';
import type { Channel } from './channel.ts';
import type { NotificationsDatabase } from './database.ts';

/**
 * One confirmation per OrderPaid event id: the event id is inserted into processed_events with the
 * notification in one transaction, and a unique constraint (not a check-then-insert) turns a second
 * delivery into a no-op. The message is sent after the commit; when sending fails the row stays
 * `queued`, the error goes up (the consumer retries) and the next delivery sends it.
 */
export async function handleOrderPaid(
  db: Kysely<NotificationsDatabase>,
  channel: Channel,
  event: OrderPaidEvent,
): Promise<'sent' | 'duplicate'> {
  const { data } = event;
  try {
    await db.transaction().execute(async (trx) => {
      await trx
        .insertInto('processed_events')
        .values({ event_id: event.id, event_type: event.type })
        .execute();
      await trx
        .insertInto('notifications')
        .values({
          event_id: event.id,
          event_type: event.type,
          channel: channel.name,
          recipient: data.email,
          user_id: String(data.userId),
          status: 'queued',
          payload: JSON.stringify({
            orderId: data.orderId,
            totalAmount: data.totalAmount,
            currency: data.currency,
          }),
        })
        .execute();
    });
  } catch (error) {
    if (!isDuplicateKey(error)) throw error;
    const existing = await db
      .selectFrom('notifications')
      .select(['status'])
      .where('event_id', '=', event.id)
      .executeTakeFirst();
    if (existing?.status !== 'queued') return 'duplicate';
  }
  await channel.send({
    to: data.email,
    subject: `Order ${data.orderId} is paid`,
    text: `Thank you: we received ${data.totalAmount} ${data.currency} for order ${data.orderId}.`,
  });
  await db
    .updateTable('notifications')
    .set({ status: 'sent', sent_at: sql`current_timestamp(6)` })
    .where('event_id', '=', event.id)
    .where('status', '=', 'queued')
    .execute();
  return 'sent';
}
