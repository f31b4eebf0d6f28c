import { type Kysely, sql } from 'kysely';
import { isDuplicateKey } from '../shared/index.ts';
import type { Channel, Message } from './channel.ts';
import type { NotificationsDatabase } from './database.ts';

/** One notification an event asks for: whose, what is stored with it, and the message itself. */
export interface Delivery {
  eventId: string;
  eventType: string;
  userId: number;
  payload: unknown;
  message: Message;
}

/**
 * One notification per event id: the event id is inserted into processed_events with the
 * notification in one transaction, and a unique constraint (not a check-then-insert) turns a second
 * delivery into a no-op. The message is sent after the commit; when sending fails the row stays
 * `queued`, the error goes up (the consumer retries) and the next delivery sends it.
 */
export async function deliverOnce(
  db: Kysely<NotificationsDatabase>,
  channel: Channel,
  delivery: Delivery,
): Promise<'sent' | 'duplicate'> {
  try {
    await db.transaction().execute(async (trx) => {
      await trx
        .insertInto('processed_events')
        .values({ event_id: delivery.eventId, event_type: delivery.eventType })
        .execute();
      await trx
        .insertInto('notifications')
        .values({
          event_id: delivery.eventId,
          event_type: delivery.eventType,
          channel: channel.name,
          recipient: delivery.message.to,
          user_id: String(delivery.userId),
          status: 'queued',
          payload: JSON.stringify(delivery.payload),
        })
        .execute();
    });
  } catch (error) {
    if (!isDuplicateKey(error)) throw error;
    const existing = await db
      .selectFrom('notifications')
      .select(['status'])
      .where('event_id', '=', delivery.eventId)
      .executeTakeFirst();
    if (existing?.status !== 'queued') return 'duplicate';
  }
  await channel.send(delivery.message);
  await db
    .updateTable('notifications')
    .set({ status: 'sent', sent_at: sql`current_timestamp(6)` })
    .where('event_id', '=', delivery.eventId)
    .where('status', '=', 'queued')
    .execute();
  return 'sent';
}
