import type { Kysely } from 'kysely';
import type { BiDigestEvent } from '../kit/events.ts';
import { biDigestMail } from './bi-digest-mail.ts';
import type { Channel } from './channel.ts';
import type { NotificationsDatabase } from './database.ts';
import { deliverOnce } from './deliver-once.ts';

/** A BI digest to its subscriber, sent once per event id (one per subscription and period). */
export function handleBiDigest(
  db: Kysely<NotificationsDatabase>,
  channel: Channel,
  event: BiDigestEvent,
): Promise<'sent' | 'duplicate'> {
  const { data } = event;
  return deliverOnce(db, channel, {
    eventId: event.id,
    eventType: event.type,
    userId: data.userId,
    payload: { subscriptionId: data.subscriptionId, period: data.period, totals: data.totals },
    message: biDigestMail(data),
  });
}
