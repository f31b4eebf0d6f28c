import type { FastifyInstance } from 'fastify';
import { type Kysely, sql } from 'kysely';
import { z } from 'zod';
import { badRequest, errorReply, isDuplicateKey } from '../../shared/index.ts';
import type { PaymentsDatabase } from '../database.ts';
import { webhookEvent } from '../schemas.ts';
import { webhookRefusal } from '../webhook-signature.ts';

/**
 * `POST /webhooks/psp`: the PSP's signed report of a capture or refund. The signature is checked over
 * the raw body (so this route parses its own JSON), the timestamp must be fresh, and the event id is
 * recorded in the same transaction that applies it: an event seen twice changes nothing.
 */
export async function webhookRoutes(
  app: FastifyInstance,
  deps: { db: Kysely<PaymentsDatabase>; secret: string; toleranceSeconds: number },
): Promise<void> {
  app.addContentTypeParser('application/json', { parseAs: 'string' }, (_request, body, done) =>
    done(null, body),
  );
  app.post(
    '/webhooks/psp',
    {
      schema: {
        tags: ['webhooks'],
        summary: 'Signed PSP events (psp-signature: t=<unix>,v1=<HMAC-SHA256 of "t.body">)',
        body: z.string().describe('a PSP event as JSON: {id, type, createdAt, data}'),
        response: {
          200: z.object({ received: z.boolean(), duplicate: z.boolean() }),
          400: errorReply,
          401: errorReply,
        },
      },
    },
    async (request, reply) => {
      const raw = String(request.body);
      const header = request.headers['psp-signature'];
      const refusal = webhookRefusal(
        typeof header === 'string' ? header : undefined,
        raw,
        deps.secret,
        deps.toleranceSeconds,
      );
      if (refusal) return reply.code(401).send({ error: 'bad_signature', message: refusal });
      let parsed: z.infer<typeof webhookEvent>;
      try {
        parsed = webhookEvent.parse(JSON.parse(raw));
      } catch {
        throw badRequest('body: not a PSP event {id, type, createdAt, data}', 'body');
      }
      try {
        await deps.db.transaction().execute(async (trx) => {
          await trx
            .insertInto('psp_events')
            .values({ event_id: parsed.id, event_type: parsed.type, psp_reference: parsed.data.reference })
            .execute();
          // The PSP's totals are the truth; ours only ever move up to them (never back down).
          await trx
            .updateTable('payments')
            .set({
              captured_amount: sql`greatest(captured_amount, ${parsed.data.capturedAmount})`,
              refunded_amount: sql`greatest(refunded_amount, ${parsed.data.refundedAmount})`,
            })
            .where('psp_reference', '=', parsed.data.reference)
            .execute();
        });
      } catch (error) {
        if (isDuplicateKey(error)) return { received: true, duplicate: true };
        throw error;
      }
      return { received: true, duplicate: false };
    },
  );
}
