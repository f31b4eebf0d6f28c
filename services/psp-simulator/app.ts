import { createHash, randomUUID } from 'node:crypto';
import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { fromCents, toCents } from '../kit/money.ts';
import { badRequest, errorReply, HttpError, notFound } from '../shared/index.ts';
import type { PspSettings } from './settings.ts';
import { sendWebhook } from './webhook-sender.ts';

/** The test cards of DESIGN.md 3.6 and what each does; any other valid number succeeds. */
export const TEST_CARDS = {
  '4242424242424242': 'succeeds',
  '4000000000000002': 'card_declined',
  '4000000000009995': 'insufficient_funds',
  '4000000000000119': 'timeout',
  /** Authorized; its first capture charges, then the answer is lost (held past the caller's timeout). */
  '4000000000000259': 'capture_then_timeout',
  /** Authorized and captured as usual; its first refund is made, then the answer is lost the same way. */
  '4000000000000267': 'refund_then_timeout',
} as const;

const amount = z.string().regex(/^\d{1,10}\.\d{2}$/, 'must be a decimal string such as "10.00"');
const authorizationBody = z.strictObject({
  card: z.strictObject({
    number: z.string().regex(/^\d{12,19}$/),
    expMonth: z.number().int().min(1).max(12),
    expYear: z.number().int().min(2000).max(2100),
    cvc: z.string().regex(/^\d{3,4}$/),
  }),
  amount,
  currency: z.string().regex(/^[A-Z]{3}$/),
});
const amountBody = z.strictObject({ amount });
const authorization = z.object({
  reference: z.string(),
  status: z.enum(['authorized', 'captured', 'refunded']),
  cardToken: z.string(),
  last4: z.string(),
  amount,
  capturedAmount: amount,
  refundedAmount: amount,
  currency: z.string(),
});
type Authorization = z.infer<typeof authorization>;
const refParams = z.object({ reference: z.string().regex(/^auth_[0-9a-f-]{36}$/) });
const keyHeaders = z.object({ 'idempotency-key': z.string().min(1).max(200).optional() });

/**
 * A payment provider in miniature, kept in memory: authorizations, captures, refunds, idempotency
 * keys, and signed webhooks after each capture and refund. It never keeps a card number: the token
 * is a hash and the last four digits are all it answers.
 */
export async function pspApp(app: FastifyInstance, settings: PspSettings): Promise<void> {
  const r = app.withTypeProvider<ZodTypeProvider>();
  const authorizations = new Map<string, Authorization>();
  const replies = new Map<string, { status: number; body: unknown }>();
  const errors = { 400: errorReply, 402: errorReply, 404: errorReply, 409: errorReply };
  /** Authorizations whose first capture answers late (the capture_then_timeout card). */
  const slowFirstCapture = new Set<string>();
  /** Authorizations whose first refund answers late (the refund_then_timeout card). */
  const slowFirstRefund = new Set<string>();
  const holdAnswer = () => new Promise((resolve) => setTimeout(resolve, settings.PSP_TIMEOUT_CARD_DELAY_MS));

  /** Replays a reply stored under the key, or runs `work` and stores what it answered. */
  async function once(
    key: string | undefined,
    scope: string,
    work: () => Promise<{ status: number; body: unknown }>,
  ) {
    const id = key === undefined ? undefined : `${scope}:${key}`;
    const stored = id ? replies.get(id) : undefined;
    if (stored) return stored;
    const result = await work();
    if (id) replies.set(id, result);
    return result;
  }

  const webhook = (type: string, a: Authorization) =>
    sendWebhook(
      settings.PSP_WEBHOOK_URL,
      settings.PSP_WEBHOOK_SECRET,
      type,
      { reference: a.reference, capturedAmount: a.capturedAmount, refundedAmount: a.refundedAmount },
      app.log,
    );

  r.post(
    '/v1/authorizations',
    {
      schema: { headers: keyHeaders, body: authorizationBody, response: { 201: authorization, ...errors } },
    },
    async (request, reply) => {
      const { card } = request.body;
      const outcome = TEST_CARDS[card.number as keyof typeof TEST_CARDS] ?? 'succeeds';
      if (outcome === 'timeout') {
        await holdAnswer();
        throw new HttpError(504, 'timeout', 'the issuer did not answer');
      }
      const result = await once(request.headers['idempotency-key'], 'authorize', async () => {
        if (outcome === 'card_declined' || outcome === 'insufficient_funds') {
          return {
            status: 402,
            body: {
              error: outcome,
              message:
                outcome === 'card_declined' ? 'the card was declined' : 'the card has insufficient funds',
            },
          };
        }
        const a: Authorization = {
          reference: `auth_${randomUUID()}`,
          status: 'authorized',
          cardToken: `tok_${createHash('sha256').update(`${card.number}:${card.expMonth}:${card.expYear}`).digest('hex').slice(0, 32)}`,
          last4: card.number.slice(-4),
          amount: request.body.amount,
          capturedAmount: '0.00',
          refundedAmount: '0.00',
          currency: request.body.currency,
        };
        authorizations.set(a.reference, a);
        if (outcome === 'capture_then_timeout') slowFirstCapture.add(a.reference);
        if (outcome === 'refund_then_timeout') slowFirstRefund.add(a.reference);
        return { status: 201, body: a };
      });
      return reply.code(result.status).send(result.body as never);
    },
  );

  function find(reference: string): Authorization {
    const a = authorizations.get(reference);
    if (!a) throw notFound(`no authorization ${reference}`);
    return a;
  }

  r.post(
    '/v1/authorizations/:reference/capture',
    {
      schema: {
        headers: keyHeaders,
        params: refParams,
        body: amountBody,
        response: { 200: authorization, ...errors },
      },
    },
    async (request, reply) => {
      const result = await once(
        request.headers['idempotency-key'],
        `capture:${request.params.reference}`,
        async () => {
          const a = find(request.params.reference);
          const captured = toCents(a.capturedAmount) + toCents(request.body.amount);
          if (captured > toCents(a.amount))
            throw badRequest('amount: above the authorized amount', 'body.amount');
          a.capturedAmount = fromCents(captured);
          a.status = 'captured';
          webhook('payment.captured', a);
          return { status: 200, body: { ...a } };
        },
      );
      // Charged and recorded (a retry under the same key gets this answer at once), but this
      // answer comes too late for the caller.
      if (slowFirstCapture.delete(request.params.reference)) await holdAnswer();
      return reply.code(result.status).send(result.body as never);
    },
  );

  r.get(
    '/v1/authorizations/:reference',
    { schema: { params: refParams, response: { 200: authorization, ...errors } } },
    async (request) => ({ ...find(request.params.reference) }),
  );

  r.post(
    '/v1/authorizations/:reference/refunds',
    {
      schema: {
        headers: keyHeaders,
        params: refParams,
        body: amountBody,
        response: { 200: authorization, ...errors },
      },
    },
    async (request, reply) => {
      const result = await once(
        request.headers['idempotency-key'],
        `refund:${request.params.reference}`,
        async () => {
          const a = find(request.params.reference);
          const refunded = toCents(a.refundedAmount) + toCents(request.body.amount);
          if (refunded > toCents(a.capturedAmount))
            throw badRequest('amount: above the captured amount', 'body.amount');
          a.refundedAmount = fromCents(refunded);
          if (refunded === toCents(a.capturedAmount)) a.status = 'refunded';
          webhook('payment.refunded', a);
          return { status: 200, body: { ...a } };
        },
      );
      // Refunded and recorded, but (the refund_then_timeout card) answered too late, once.
      if (result.status === 200 && slowFirstRefund.delete(request.params.reference)) await holdAnswer();
      return reply.code(result.status).send(result.body as never);
    },
  );
}
