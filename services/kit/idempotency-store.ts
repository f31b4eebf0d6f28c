import { type Kysely, sql, type Transaction } from 'kysely';
import { HttpError, isDuplicateKey } from '../shared/index.ts';

export interface StoredReply {
  status: number;
  body: unknown;
}

export interface IdempotentRequest {
  /** Columns that, with scope and key, make the unique key of `idempotency_keys` (orders: user_id). */
  owner: Record<string, string>;
  scope: string;
  key: string | undefined;
  hash: string;
}

/** The key row could not be inserted: another request holds or held the same key. */
class KeyTaken extends Error {}

/**
 * Runs `work` at most once per key, in one transaction with the work. The key row is inserted first,
 * so a concurrent duplicate waits on the unique index until the first commits, then replays its
 * stored reply; when `work` throws, nothing is kept and the key can be used again. The same key with
 * another body is refused with 422. Without a key the work simply runs in a transaction.
 */
export async function runIdempotent<DB>(
  db: Kysely<DB>,
  request: IdempotentRequest,
  work: (trx: Transaction<DB>) => Promise<StoredReply>,
): Promise<StoredReply & { replayed: boolean }> {
  const { key } = request;
  if (key === undefined) return { ...(await db.transaction().execute(work)), replayed: false };
  const columns = { ...request.owner, scope: request.scope, idem_key: key };
  const matches = sql.join(
    Object.entries(columns).map(([column, value]) => sql`${sql.ref(column)} = ${value}`),
    sql` and `,
  );
  try {
    const reply = await db.transaction().execute(async (trx) => {
      try {
        const names = [...Object.keys(columns), 'request_hash'];
        await sql`insert into idempotency_keys (${sql.join(names.map((n) => sql.ref(n)))})
                  values (${sql.join([...Object.values(columns), request.hash])})`.execute(trx);
      } catch (error) {
        if (isDuplicateKey(error)) throw new KeyTaken();
        throw error;
      }
      const result = await work(trx);
      await sql`update idempotency_keys set status_code = ${result.status}, response = ${JSON.stringify(result.body)}
                where ${matches}`.execute(trx);
      return result;
    });
    return { ...reply, replayed: false };
  } catch (error) {
    if (!(error instanceof KeyTaken)) throw error;
  }
  const { rows } = await sql<{ request_hash: string; status_code: number | null; response: unknown }>`
    select request_hash, status_code, response from idempotency_keys where ${matches}`.execute(db);
  const stored = rows[0]!;
  if (stored.request_hash !== request.hash) {
    throw new HttpError(
      422,
      'idempotency_key_reused',
      'this Idempotency-Key was used with another request body',
      {
        details: { field: 'headers.idempotency-key' },
      },
    );
  }
  const body = typeof stored.response === 'string' ? JSON.parse(stored.response) : stored.response;
  return { status: stored.status_code ?? 200, body, replayed: true };
}
