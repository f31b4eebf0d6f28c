import { type Kysely, sql, type Transaction } from 'kysely';
import { type Cadence, periodDays } from './digest-periods.ts';
import type { Subscription } from './subscription-schemas.ts';

/**
 * bi.subscriptions (warehouse migration 018), read and written as the page's own login: a user sees
 * and deletes only their own (by the access token's auth user id), which this code enforces, as no
 * BI role has rights on the table.
 */

// biome-ignore lint/suspicious/noExplicitAny: the warehouse is read with sql fragments, not the builder
type Warehouse = Record<string, any>;

/** A row of bi.subscriptions as the dispatcher needs it. */
export interface SubscriptionRow {
  id: number;
  authUserId: number;
  email: string;
  cadence: Cadence;
  regions: string[];
  category: number | null;
  nextPeriodStart: string;
  createdAt: string;
  lastSentAt: string | null;
}

const COLUMNS = sql`subscription_id::int as id, auth_user_id::int as "authUserId", email, cadence, regions,
  category_key::int as category, next_period_start::text as "nextPeriodStart",
  to_json(created_at)#>>'{}' as "createdAt", to_json(last_sent_at)#>>'{}' as "lastSentAt"`;

export function toSubscription(row: SubscriptionRow): Subscription {
  return {
    id: row.id,
    cadence: row.cadence,
    regions: row.regions,
    category: row.category,
    email: row.email,
    nextPeriod: periodDays(row.cadence, row.nextPeriodStart),
    createdAt: row.createdAt,
    lastSentAt: row.lastSentAt,
  };
}

export function createSubscriptionsRepository(db: Kysely<Warehouse>) {
  return {
    async create(input: Omit<SubscriptionRow, 'id' | 'createdAt' | 'lastSentAt'>): Promise<SubscriptionRow> {
      const { rows } = await sql<SubscriptionRow>`
        insert into bi.subscriptions (auth_user_id, email, cadence, regions, category_key, next_period_start)
        values (${input.authUserId}, ${input.email}, ${input.cadence}, ${input.regions}, ${input.category},
                ${input.nextPeriodStart}::date)
        returning ${COLUMNS}`.execute(db);
      return rows[0]!;
    },

    async list(authUserId: number): Promise<SubscriptionRow[]> {
      const { rows } = await sql<SubscriptionRow>`
        select ${COLUMNS} from bi.subscriptions where auth_user_id = ${authUserId}
        order by subscription_id`.execute(db);
      return rows;
    },

    /** Deletes the user's subscription; false when they have none with this id. */
    async delete(authUserId: number, id: number): Promise<boolean> {
      const result = await sql`
        delete from bi.subscriptions where subscription_id = ${id} and auth_user_id = ${authUserId}`.execute(
        db,
      );
      return Number(result.numAffectedRows ?? 0) > 0;
    },

    /**
     * Locks one subscription whose next period is due (by cadence: starts on or before the given
     * day), skipping rows another dispatcher holds, in the caller's transaction.
     */
    async claimDue(
      trx: Transaction<Warehouse>,
      latestDue: Record<Cadence, string>,
    ): Promise<SubscriptionRow | undefined> {
      const { rows } = await sql<SubscriptionRow>`
        select ${COLUMNS} from bi.subscriptions
        where (cadence = 'daily' and next_period_start <= ${latestDue.daily}::date)
           or (cadence = 'weekly' and next_period_start <= ${latestDue.weekly}::date)
           or (cadence = 'monthly' and next_period_start <= ${latestDue.monthly}::date)
        order by next_period_start, subscription_id
        limit 1
        for update skip locked`.execute(trx);
      return rows[0];
    },

    /** Moves the subscription on to its next period; `sent` records when a digest went out. */
    async advance(
      trx: Transaction<Warehouse>,
      id: number,
      nextPeriodStart: string,
      sent: boolean,
    ): Promise<void> {
      await sql`
        update bi.subscriptions
        set next_period_start = ${nextPeriodStart}::date,
            last_sent_at = case when ${sent} then now() else last_sent_at end
        where subscription_id = ${id}`.execute(trx);
    },
  };
}
export type SubscriptionsRepository = ReturnType<typeof createSubscriptionsRepository>;
