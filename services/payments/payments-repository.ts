import type { Kysely, Transaction } from 'kysely';
import type { PaymentsDatabase } from './database.ts';

type Db = Kysely<PaymentsDatabase> | Transaction<PaymentsDatabase>;

/** A payment as the API answers it: amounts, the card's last four digits, never a card number. */
export interface Payment {
  id: number;
  orderId: number;
  status: 'pending' | 'succeeded' | 'failed' | 'refunded';
  method: string;
  amount: string;
  currency: string;
  authorizedAmount: string;
  capturedAmount: string;
  refundedAmount: string;
  cardLast4: string | null;
  pspReference: string | null;
  failureCode: string | null;
  createdAt: string;
  updatedAt: string;
}

export async function readPayment(db: Db, id: number, options: { lock?: boolean } = {}) {
  let query = db.selectFrom('payments').selectAll().where('id', '=', String(id));
  if (options.lock) query = query.forUpdate();
  const row = await query.executeTakeFirst();
  if (!row) return undefined;
  const payment: Payment = {
    id: Number(row.id),
    orderId: Number(row.order_id),
    status: row.status,
    method: row.method,
    amount: row.amount,
    currency: row.currency,
    authorizedAmount: row.authorized_amount,
    capturedAmount: row.captured_amount,
    refundedAmount: row.refunded_amount,
    cardLast4: row.card_last4,
    pspReference: row.psp_reference,
    failureCode: row.failure_code,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
  };
  return payment;
}
