import type { ColumnType, Generated } from 'kysely';

type Standard = {
  id: Generated<string>;
  created_at: ColumnType<string, string | undefined, never>;
  updated_at: ColumnType<string, string | undefined, never>;
};

/** The payments database as kysely sees it (migrations in ./migrations; docs/db/payments.dbml). */
export interface PaymentsDatabase {
  payments: Standard & {
    order_id: string;
    amount: string;
    currency: string;
    method: string;
    /** pending = authorized, succeeded = captured, refunded = refunded in full, failed. */
    status: 'pending' | 'succeeded' | 'failed' | 'refunded';
    psp_reference: string | null;
    idempotency_key: string;
    authorized_amount: ColumnType<string, string | undefined, string>;
    captured_amount: ColumnType<string, string | undefined, string>;
    refunded_amount: ColumnType<string, string | undefined, string>;
    card_token: string | null;
    card_last4: string | null;
    failure_code: string | null;
  };
  idempotency_keys: Standard & {
    scope: string;
    idem_key: string;
    request_hash: string;
    status_code: number | null;
    response: unknown;
  };
  psp_events: Standard & { event_id: string; event_type: string; psp_reference: string };
}
