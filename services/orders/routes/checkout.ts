import { createHash, randomUUID } from 'node:crypto';
import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { idempotencyHeaders, requestHash } from '../../kit/idempotency.ts';
import { runIdempotent } from '../../kit/idempotency-store.ts';
import { fromCents, toCents } from '../../kit/money.ts';
import { conflict, errorReply, HttpError, notFound } from '../../shared/index.ts';
import { addToOutbox, lockOrder, moveOrder, readOrder } from '../repositories/orders-repository.ts';
import { checkoutBody, idParams, order, refundBody } from '../schemas/orders.ts';
import { canMove, type OrderStatus } from '../status-machine.ts';
import { canSee, viewerOf } from '../viewer.ts';
import type { OrderRouteDeps } from './orders.ts';

const errors = {
  400: errorReply,
  401: errorReply,
  402: errorReply,
  403: errorReply,
  404: errorReply,
  409: errorReply,
  422: errorReply,
  503: errorReply,
};

/** A refusal from payments (a declined card, an amount above what is left) passed on as it came. */
function paymentRefused(status: number, body: { error?: string; message?: string }): HttpError {
  const code = status === 402 || status === 409 || status === 422 ? status : 409;
  return new HttpError(code, body.error ?? 'payment_refused', body.message ?? 'the payment was refused');
}

/**
 * Checkout and refund: money moves through payments while the order's row is locked, so two checkouts
 * of one order cannot both charge (the second waits, then finds it paid: 409); the order's new status
 * and its event in the outbox commit together.
 */
export async function checkoutRoutes(
  app: FastifyInstance,
  deps: OrderRouteDeps & { outboxWritten: () => void },
): Promise<void> {
  const { db, people, upstreams } = deps;
  const r = app.withTypeProvider<ZodTypeProvider>();

  async function checkVisible(request: Parameters<typeof viewerOf>[0], orderId: number) {
    const found = await readOrder(db, orderId);
    const viewer = await viewerOf(request, people);
    const owner = found ? await people.customerById(found.customerId) : undefined;
    if (
      !found ||
      !canSee(viewer, { customerId: found.customerId, managerOfCustomer: owner?.managerId ?? null })
    ) {
      throw notFound(`no order ${orderId}`);
    }
    return { found, viewer };
  }

  r.post(
    '/orders/:id/checkout',
    {
      preHandler: app.authenticate,
      schema: {
        tags: ['orders'],
        summary:
          'Pay for an order by card: authorized and captured, the order becomes paid (Idempotency-Key)',
        security: [{ bearer: [] }],
        headers: idempotencyHeaders,
        params: idParams,
        body: checkoutBody,
        response: { 200: order, ...errors },
      },
    },
    async (request, reply) => {
      const orderId = request.params.id;
      // Only the order's own customer pays for it: the locked row's customer_id is the visibility
      // check, so the caller's customer profile is all to read first (one query, where reading the
      // order, the caller's profiles and the owner's first cost four more).
      const userId = request.principal!.userId;
      const customer = await people.customerByUser(userId);
      if (!customer) throw notFound(`no order ${orderId}`);
      const key = request.headers['idempotency-key'];
      const result = await runIdempotent(
        db,
        {
          owner: { user_id: String(userId) },
          scope: `checkout:${orderId}`,
          key,
          hash: requestHash(request.body),
        },
        async (trx) => {
          const locked = await lockOrder(trx, orderId);
          if (!locked || Number(locked.customer_id) !== customer.id) throw notFound(`no order ${orderId}`);
          if (!canMove(locked.status as OrderStatus, 'paid')) {
            throw conflict(`the order is ${locked.status}: only a pending_payment order can be paid`);
          }
          // The payment's own key follows the client's, so a replay after a crash finds the same charge.
          // Hashed: the client's key may be 128 characters, payments keeps 64.
          const paymentKey = `o${orderId}-${createHash('sha256')
            .update(`${userId}:${key ?? randomUUID()}`)
            .digest('hex')
            .slice(0, 40)}`;
          const authorized = await upstreams.authorize(
            { orderId, amount: locked.total_amount, currency: locked.currency, card: request.body.card },
            paymentKey,
            request.id,
          );
          if (!authorized.ok) throw paymentRefused(authorized.status, authorized.body);
          const paymentId = authorized.payment.id;
          const captured = await upstreams.capture(
            paymentId,
            locked.total_amount,
            `${paymentKey}-capture`,
            request.id,
          );
          if (!captured.ok) throw paymentRefused(captured.status, captured.body);
          await moveOrder(trx, orderId, 'paid', { paymentId });
          await addToOutbox(trx, orderId, 'OrderPaid', {
            orderId,
            customerId: Number(locked.customer_id),
            userId: Number(locked.user_id),
            email: locked.email,
            totalAmount: locked.total_amount,
            currency: locked.currency,
            paymentId,
          });
          return { status: 200, body: (await readOrder(trx, orderId))! };
        },
      );
      if (!result.replayed) deps.outboxWritten();
      return reply.code(result.status).send(result.body as never);
    },
  );

  r.post(
    '/orders/:id/refund',
    {
      preHandler: app.authenticate,
      schema: {
        tags: ['orders'],
        summary:
          'Refund a paid order, in full or part (`amount`, at most what is not refunded yet); the order becomes refunded when nothing is left (Idempotency-Key)',
        security: [{ bearer: [] }],
        headers: idempotencyHeaders,
        params: idParams,
        body: refundBody,
        response: { 200: order, ...errors },
      },
    },
    async (request, reply) => {
      const orderId = request.params.id;
      const { viewer } = await checkVisible(request, orderId);
      const key = request.headers['idempotency-key'];
      const result = await runIdempotent(
        db,
        {
          owner: { user_id: String(viewer.userId) },
          scope: `refund:${orderId}`,
          key,
          hash: requestHash(request.body ?? null),
        },
        async (trx) => {
          const locked = await lockOrder(trx, orderId);
          if (!locked) throw notFound(`no order ${orderId}`);
          if (!canMove(locked.status as OrderStatus, 'refunded') || locked.payment_id === null) {
            throw conflict(
              `the order is ${locked.status}: only a paid, shipped or delivered order can be refunded`,
            );
          }
          const paymentId = Number(locked.payment_id);
          const current = await upstreams.payment(paymentId, request.id);
          if (!current.ok) throw paymentRefused(current.status, current.body);
          const left = toCents(current.payment.capturedAmount) - toCents(current.payment.refundedAmount);
          const amount = request.body?.amount === undefined ? left : toCents(request.body.amount);
          if (amount > left) {
            throw new HttpError(
              422,
              'amount_above_refundable',
              `body.amount: ${fromCents(left)} can still be refunded (${current.payment.capturedAmount} paid, ${current.payment.refundedAmount} refunded)`,
              { details: { field: 'body.amount' } },
            );
          }
          // Like checkout's: the client's key decides the payment's, so a replay refunds nothing twice,
          // and each new partial refund (a new key) is a refund of its own.
          const refundKey = `o${orderId}-r-${createHash('sha256')
            .update(`${viewer.userId}:${key ?? randomUUID()}`)
            .digest('hex')
            .slice(0, 40)}`;
          const refunded = await upstreams.refund(paymentId, fromCents(amount), refundKey, request.id);
          if (!refunded.ok) throw paymentRefused(refunded.status, refunded.body);
          const fully = refunded.payment.refundedAmount === refunded.payment.capturedAmount;
          // A part refunded leaves the order as it was (paid, shipped or delivered): its lines were
          // still sold. Only when nothing is left does it become refunded (and leave revenue).
          if (fully) await moveOrder(trx, orderId, 'refunded');
          await addToOutbox(trx, orderId, 'OrderRefunded', {
            orderId,
            customerId: Number(locked.customer_id),
            userId: Number(locked.user_id),
            amount: fromCents(amount),
            refundedTotal: refunded.payment.refundedAmount,
            full: fully,
            currency: locked.currency,
            paymentId,
          });
          return { status: 200, body: (await readOrder(trx, orderId))! };
        },
      );
      if (!result.replayed) deps.outboxWritten();
      return reply.code(result.status).send(result.body as never);
    },
  );
}
