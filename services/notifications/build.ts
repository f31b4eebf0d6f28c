import type { DestinationStream } from 'pino';
import { createService, openDatabase, pingDatabase } from '../shared/index.ts';
import { notificationsApp } from './app.ts';
import { createChannel } from './channel.ts';
import { createNotificationsConsumer } from './consumer.ts';
import type { NotificationsDatabase } from './database.ts';
import type { NotificationsSettings } from './settings.ts';

/** The notifications service, ready to listen: its database, its route, the Kafka consumer. */
export async function buildNotifications(
  settings: NotificationsSettings,
  options: { logStream?: DestinationStream } = {},
) {
  const db = openDatabase<NotificationsDatabase>(settings.NOTIFICATIONS_DB_URL, {
    acquireTimeoutMs: settings.DB_ACQUIRE_TIMEOUT_MS,
  });
  const app = await createService({
    name: 'notifications',
    description:
      'Order confirmations from OrderPaid events and BI digests from BiDigest events on Kafka; a user reads their own.',
    settings,
    checkReady: () => pingDatabase(db),
    ...(options.logStream ? { logStream: options.logStream } : {}),
  });
  const channel = createChannel({ smtpUrl: settings.SMTP_URL, from: settings.MAIL_FROM });
  const consumer =
    settings.CONSUME === 'true'
      ? createNotificationsConsumer({
          db,
          channel,
          brokers: settings.KAFKA_BROKERS,
          topics: [settings.ORDER_EVENTS_TOPIC, settings.BI_DIGEST_TOPIC],
          deadLetterTopic: settings.DEAD_LETTER_TOPIC,
          groupId: settings.CONSUMER_GROUP,
          attempts: settings.HANDLE_ATTEMPTS,
          log: app.log,
        })
      : undefined;
  app.addHook('onReady', async () => consumer?.start());
  app.addHook('onClose', async () => {
    await consumer?.stop();
    channel.close();
    await db.destroy();
  });
  await app.register(notificationsApp, { db });
  return app;
}
