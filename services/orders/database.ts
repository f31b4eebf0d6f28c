import type { ColumnType, Generated } from 'kysely';

type Standard = {
  id: Generated<string>;
  created_at: ColumnType<string, string | undefined, never>;
  updated_at: ColumnType<string, string | undefined, never>;
};

/** The orders database as kysely sees it (migrations in ./migrations; docs/db/orders.dbml). */
export interface OrdersDatabase {
  regions: Standard & { code: string; name: string };
  employees: Standard & {
    full_name: string;
    email: string;
    position: ColumnType<string, string | undefined, string>;
    region_id: string;
    active: ColumnType<number, number | undefined, number>;
    user_id: string | null;
  };
  customers: Standard & {
    email: string;
    full_name: string;
    phone: string | null;
    city: string | null;
    region_id: string;
    manager_id: string | null;
    user_id: string | null;
  };
  discounts: Standard & {
    code: string;
    kind: 'percent' | 'fixed';
    value: string;
    active: ColumnType<number, number | undefined, number>;
    valid_from: string | null;
    valid_to: string | null;
    max_uses: number | null;
    used_count: ColumnType<number, number | undefined, number>;
  };
  orders: Standard & {
    customer_id: string;
    employee_id: string | null;
    status: string;
    currency: string;
    discount_id: string | null;
    subtotal_amount: string;
    discount_amount: string;
    total_amount: string;
    paid_at: string | null;
    shipped_at: string | null;
    delivered_at: string | null;
    cancelled_at: string | null;
    refunded_at: string | null;
    payment_id: string | null;
  };
  order_items: Standard & {
    order_id: string;
    product_id: string;
    quantity: number;
    unit_price: string;
    discount_amount: string;
  };
  outbox: Standard & {
    event_id: string;
    aggregate_type: string;
    aggregate_id: string;
    event_type: string;
    payload: string;
    published_at: string | null;
  };
  idempotency_keys: Standard & {
    user_id: string;
    scope: string;
    idem_key: string;
    request_hash: string;
    status_code: number | null;
    response: unknown;
  };
}
