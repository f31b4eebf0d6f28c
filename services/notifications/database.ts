import type { ColumnType, Generated } from 'kysely';

type Standard = {
  id: Generated<string>;
  created_at: ColumnType<string, string | undefined, never>;
  updated_at: ColumnType<string, string | undefined, never>;
};

/** The notifications database as kysely sees it (migrations in ./migrations; docs/db/notifications.dbml). */
export interface NotificationsDatabase {
  notifications: Standard & {
    event_id: string;
    event_type: string;
    channel: 'email' | 'sms' | 'push';
    recipient: string;
    status: ColumnType<
      'queued' | 'sent' | 'failed',
      'queued' | 'sent' | 'failed' | undefined,
      'queued' | 'sent' | 'failed'
    >;
    payload: unknown;
    sent_at: string | null;
    user_id: string | null;
  };
  processed_events: Standard & { event_id: string; event_type: string };
}
