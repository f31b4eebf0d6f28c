import { z } from 'zod';
import { createAuthAccountClient } from '../kit/auth-account.ts';
import { callJson, UpstreamUnavailable } from '../kit/http-client.ts';
import { HttpError } from '../shared/index.ts';
import type { OrdersSettings } from './settings.ts';

export { UpstreamUnavailable };

const priceReply = z.object({
  items: z.array(
    z.object({
      id: z.number(),
      sku: z.string(),
      price: z.string(),
      currency: z.string(),
      active: z.boolean(),
    }),
  ),
  missing: z.array(z.number()),
});
export type PriceLookup = z.infer<typeof priceReply>;

const paymentReply = z.object({
  id: z.number(),
  status: z.string(),
  authorizedAmount: z.string(),
  capturedAmount: z.string(),
  refundedAmount: z.string(),
  cardLast4: z.string().nullable(),
  method: z.string(),
});
export type PaymentReply = z.infer<typeof paymentReply>;

export const unavailable = (what: string) =>
  new HttpError(
    503,
    `${what}_unavailable`,
    `the ${what} service is unavailable now; nothing was changed, try again`,
    {
      headers: { 'retry-after': '1' },
    },
  );

/** The services orders calls: catalog for prices, auth for an e-mail, payments for money. */
export function createUpstreams(settings: OrdersSettings) {
  const serviceKey = { 'x-service-key': settings.PAYMENTS_SERVICE_KEY };
  const account = createAuthAccountClient(settings.AUTH_URL, { retryAfterSeconds: 1 });

  /** A payments call: POST with a body under an idempotency key, or GET without either. */
  async function payments(
    path: string,
    body: unknown,
    idempotencyKey: string | undefined,
    requestId: string,
  ) {
    const reply = await callJson({
      upstream: 'payments',
      url: `${settings.PAYMENTS_URL}${path}`,
      body,
      headers: {
        ...serviceKey,
        ...(idempotencyKey === undefined ? {} : { 'idempotency-key': idempotencyKey }),
        'x-request-id': requestId,
      },
      timeoutMs: settings.PAYMENTS_TIMEOUT_MS,
      // Every call that moves money carries an idempotency key, so repeating one cannot charge twice.
      retries: 1,
    }).catch((error: unknown) => {
      if (error instanceof UpstreamUnavailable) throw unavailable('payments');
      throw error;
    });
    if (reply.status === 200 || reply.status === 201)
      return { ok: true as const, payment: paymentReply.parse(reply.body) };
    return {
      ok: false as const,
      status: reply.status,
      body: reply.body as { error?: string; message?: string },
    };
  }

  return {
    /** Current prices; bounded retries with backoff, then 503 (the caller has written nothing yet). */
    async prices(ids: number[], requestId: string): Promise<PriceLookup> {
      try {
        const reply = await callJson({
          upstream: 'catalog',
          url: `${settings.CATALOG_URL}/prices/lookup`,
          body: { ids },
          headers: { 'x-request-id': requestId },
          timeoutMs: settings.CATALOG_TIMEOUT_MS,
          retries: settings.CATALOG_RETRIES,
        });
        if (reply.status !== 200) throw new UpstreamUnavailable('catalog', `answered ${reply.status}`);
        return priceReply.parse(reply.body);
      } catch (error) {
        if (error instanceof UpstreamUnavailable) throw unavailable('catalog');
        throw error;
      }
    },
    /** The caller's account as auth knows it (its e-mail), asked with the caller's own token. */
    me: account.me,
    authorize: (
      body: { orderId: number; amount: string; currency: string; card: unknown },
      key: string,
      requestId: string,
    ) => payments('/payments/authorize', body, key, requestId),
    capture: (paymentId: number, amount: string, key: string, requestId: string) =>
      payments(`/payments/${paymentId}/capture`, { amount }, key, requestId),
    refund: (paymentId: number, amount: string, key: string, requestId: string) =>
      payments(`/payments/${paymentId}/refund`, { amount }, key, requestId),
    /** A payment's amounts as payments has them now (captured, refunded so far). */
    payment: (paymentId: number, requestId: string) =>
      payments(`/payments/${paymentId}`, undefined, undefined, requestId),
  };
}
export type Upstreams = ReturnType<typeof createUpstreams>;
