import { z } from 'zod';
import { BI_DIGEST_TOPIC, ORDER_EVENTS_DEAD_LETTER_TOPIC, ORDER_EVENTS_TOPIC } from '../kit/events.ts';
import { serviceSettings } from '../shared/index.ts';

const topic = z.string().regex(/^[A-Za-z0-9._-]{1,200}$/, 'letters, digits, dot, dash, underscore');

/** notifications' settings: the shared ones plus these, each with a `*_FILE` form. */
export const notificationsSettings = serviceSettings.extend({
  /** Port, default 7005 (DESIGN.md 1). */
  PORT: z.coerce.number().int().min(0).max(65_535).default(7005),
  /** The notifications database, default the local MariaDB's `notifications`. */
  NOTIFICATIONS_DB_URL: z
    .string()
    .default('mysql://techmarket:techmarket@127.0.0.1:3306/notifications')
    .pipe(z.url({ protocol: /^mysql$/, error: 'must be a mysql:// URL' })),
  /** Kafka brokers, default 127.0.0.1:9092. */
  KAFKA_BROKERS: z.string().min(1).default('127.0.0.1:9092'),
  /** The topic of order events, default techmarket.orders. */
  ORDER_EVENTS_TOPIC: topic.default(ORDER_EVENTS_TOPIC),
  /** The topic of BI digests (services/bi publishes them), default techmarket.bi.digests. */
  BI_DIGEST_TOPIC: topic.default(BI_DIGEST_TOPIC),
  /** Where undecodable messages go with the reason, default techmarket.orders.dead-letter. */
  DEAD_LETTER_TOPIC: topic.default(ORDER_EVENTS_DEAD_LETTER_TOPIC),
  /** The consumer group, default notifications (instances share the partitions). */
  CONSUMER_GROUP: z.string().min(1).max(200).default('notifications'),
  /** SMTP server for e-mails (smtp://user:pass@host:port); unset: notifications are stored as sent. */
  SMTP_URL: z
    .string()
    .pipe(z.url({ protocol: /^smtps?$/ }))
    .optional(),
  /** The sender of e-mails, default TechMarket <no-reply@techmarket.local>. */
  MAIL_FROM: z.string().min(3).default('TechMarket <no-reply@techmarket.local>'),
  /** Attempts to handle one event before the consumer gives up on it for now, default 5. */
  HANDLE_ATTEMPTS: z.coerce.number().int().min(1).max(20).default(5),
  /** Whether this process consumes Kafka, default true. */
  CONSUME: z.enum(['true', 'false']).default('true'),
});
export type NotificationsSettings = z.infer<typeof notificationsSettings>;
