import { timingSafeEqual } from 'node:crypto';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { type Kysely, sql } from 'kysely';
import { requestHash } from '../../kit/idempotency.ts';
import { runIdempotent } from '../../kit/idempotency-store.ts';
import { toCents } from '../../kit/money.ts';
import { conflict, errorReply, HttpError, notFound, unauthorized } from '../../shared/index.ts';
import type { PaymentsDatabase } from '../database.ts';
import { readPayment } from '../payments-repository.ts';
import type { PspAdapter } from '../psp-adapter.ts';
import {
  amountBody,
  authorizeBody,
  idParams,
  payment,
  serviceHeaders,
  serviceKeyHeaders,
} from '../schemas.ts';

const errors = {
  400: errorReply,
  401: errorReply,
  402: errorReply,
  404: errorReply,
  409: errorReply,
  422: errorReply,
  503: errorReply,
};

/**
 * Authorize, capture, refund: called by orders with the service key (`x-service-key`), each under
 * an Idempotency-Key. The payment row is locked while the PSP is asked, so two captures or refunds
 * of one payment cannot both pass the amount checks.
 */
export async function paymentRoutes(
  app: FastifyInstance,
  deps: { db: Kysely<PaymentsDatabase>; psp: PspAdapter; serviceKey: string },
): Promise<void> {
  const { db, psp } = deps;
  const r = app.withTypeProvider<ZodTypeProvider>();
  const expected = Buffer.from(deps.serviceKey);
  const serviceOnly = async (request: FastifyRequest) => {
    const given = Buffer.from(String(request.headers['x-service-key'] ?? ''));
    if (given.length !== expected.length || !timingSafeEqual(given, expected)) {
      throw unauthorized('this route is for the orders service: a valid x-service-key is required');
    }
  };

  r.post(
    '/payments/authorize',
    {
      preHandler: serviceOnly,
      schema: {
        tags: ['payments'],
        summary:
          "Authorize an order's amount on a card; only the PSP's token and the last four digits are kept",
        headers: serviceHeaders,
        body: authorizeBody,
        response: { 201: payment, ...errors },
      },
    },
    async (request, reply) => {
      const { card, orderId, amount, currency } = request.body;
      const key = request.headers['idempotency-key'];
      // The hash covers the card too (so another card under the key is refused), but never stores it.
      const result = await runIdempotent(
        db,
        { owner: {}, scope: 'authorize', key, hash: requestHash(request.body) },
        async (trx) => {
          const outcome = await psp.authorize(card, amount, currency, key);
          const inserted = await trx
            .insertInto('payments')
            .values({
              order_id: String(orderId),
              amount,
              currency,
              method: 'card',
              status: outcome.ok ? 'pending' : 'failed',
              psp_reference: outcome.ok ? outcome.reference : null,
              idempotency_key: key,
              authorized_amount: outcome.ok ? amount : '0.00',
              card_token: outcome.ok ? outcome.cardToken : null,
              card_last4: outcome.ok ? outcome.last4 : card.number.slice(-4),
              failure_code: outcome.ok ? null : outcome.code,
            })
            .executeTakeFirstOrThrow();
          if (!outcome.ok) {
            return {
              status: 402,
              body: { error: outcome.code, message: outcome.message || 'the payment was declined' },
            };
          }
          return { status: 201, body: (await readPayment(trx, Number(inserted.insertId)))! };
        },
      );
      return reply.code(result.status).send(result.body as never);
    },
  );

  r.post(
    '/payments/:id/capture',
    {
      preHandler: serviceOnly,
      schema: {
        tags: ['payments'],
        summary: 'Capture up to the authorized amount',
        headers: serviceHeaders,
        params: idParams,
        body: amountBody,
        response: { 200: payment, ...errors },
      },
    },
    async (request, reply) => {
      const key = request.headers['idempotency-key'];
      const { id } = request.params;
      const result = await runIdempotent(
        db,
        { owner: {}, scope: `capture:${id}`, key, hash: requestHash(request.body) },
        async (trx) => {
          const p = await readPayment(trx, id, { lock: true });
          if (!p) throw notFound(`no payment ${id}`);
          if (p.status !== 'pending' && p.status !== 'succeeded')
            throw conflict(`a ${p.status} payment cannot be captured`);
          // Even above the authorized amount by our count, the PSP is asked under the same key: when
          // its answer to a first try was lost and its webhook has since counted that capture here,
          // it replays the capture (nothing is charged again); a capture really above, it refuses.
          const outcome = await psp.capture(p.pspReference!, request.body.amount, `${key}:${id}`);
          if (!outcome.ok) {
            throw new HttpError(
              422,
              'amount_above_authorized',
              `body.amount: only ${p.authorizedAmount} was authorized (${p.capturedAmount} captured)`,
              {
                details: { field: 'body.amount' },
              },
            );
          }
          await trx
            .updateTable('payments')
            .set({ captured_amount: outcome.capturedAmount, status: 'succeeded' })
            .where('id', '=', String(id))
            .execute();
          return { status: 200, body: (await readPayment(trx, id))! };
        },
      );
      return reply.code(result.status).send(result.body as never);
    },
  );

  r.post(
    '/payments/:id/refund',
    {
      preHandler: serviceOnly,
      schema: {
        tags: ['payments'],
        summary: 'Refund up to the captured amount (less earlier refunds)',
        headers: serviceHeaders,
        params: idParams,
        body: amountBody,
        response: { 200: payment, ...errors },
      },
    },
    async (request, reply) => {
      const key = request.headers['idempotency-key'];
      const { id } = request.params;
      const result = await runIdempotent(
        db,
        { owner: {}, scope: `refund:${id}`, key, hash: requestHash(request.body) },
        async (trx) => {
          const p = await readPayment(trx, id, { lock: true });
          if (!p) throw notFound(`no payment ${id}`);
          const aboveCaptured = () =>
            new HttpError(
              422,
              'amount_above_captured',
              `body.amount: ${p.capturedAmount} was captured, ${p.refundedAmount} already refunded`,
              { details: { field: 'body.amount' } },
            );
          if (p.status === 'pending' || p.status === 'failed') throw aboveCaptured();
          // As for captures (decision 0021): even above the captured amount by our count, the PSP is
          // asked under the same key. When its answer to a first try came too late and its webhook
          // has since counted that refund here, it replays the refund (nothing is refunded twice);
          // a refund really above, it refuses. Its totals are stored, never ours plus the amount,
          // which would count a replayed refund twice.
          const outcome = await psp.refund(p.pspReference!, request.body.amount, `${key}:${id}`);
          if (!outcome.ok) throw aboveCaptured();
          await trx
            .updateTable('payments')
            .set({
              captured_amount: sql`greatest(captured_amount, ${outcome.capturedAmount})`,
              refunded_amount: outcome.refundedAmount,
              status:
                toCents(outcome.refundedAmount) === toCents(outcome.capturedAmount)
                  ? 'refunded'
                  : 'succeeded',
            })
            .where('id', '=', String(id))
            .execute();
          return { status: 200, body: (await readPayment(trx, id))! };
        },
      );
      return reply.code(result.status).send(result.body as never);
    },
  );

  r.get(
    '/payments/:id',
    {
      preHandler: serviceOnly,
      schema: {
        tags: ['payments'],
        headers: serviceKeyHeaders,
        params: idParams,
        response: { 200: payment, ...errors },
      },
    },
    async (request) => {
      const p = await readPayment(db, request.params.id);
      if (!p) throw notFound(`no payment ${request.params.id}`);
      return p;
    },
  );
}
