import { z } from 'zod';
import { callJson, UpstreamUnavailable } from '../kit/http-client.ts';
import { HttpError } from '../shared/index.ts';

const authorization = z.object({
  reference: z.string(),
  cardToken: z.string(),
  last4: z.string().length(4),
  capturedAmount: z.string(),
  refundedAmount: z.string(),
});

export interface Card {
  number: string;
  expMonth: number;
  expYear: number;
  cvc: string;
}

export type CaptureOutcome = { ok: true; capturedAmount: string } | { ok: false; message: string };

/** The PSP's totals after a refund (its totals are the truth), or its refusal. */
export type RefundOutcome =
  | { ok: true; capturedAmount: string; refundedAmount: string }
  | { ok: false; message: string };

export type AuthorizeOutcome =
  | { ok: true; reference: string; cardToken: string; last4: string }
  | { ok: false; code: string; message: string };

const pspUnavailable = () =>
  new HttpError(
    503,
    'psp_unavailable',
    'the payment provider did not answer in time; try again with the same Idempotency-Key (a charge it made meanwhile is found, not repeated)',
    {
      headers: { 'retry-after': '2' },
    },
  );

/**
 * The payment provider behind one interface (the simulator today, a real PSP tomorrow). The card
 * goes to the PSP and only its token and last four digits come back. Each call carries our
 * idempotency key, so retrying after a timeout cannot charge twice.
 */
export function createPspAdapter(options: { url: string; timeoutMs: number }) {
  async function post(path: string, body: unknown, key: string) {
    try {
      return await callJson({
        upstream: 'psp',
        url: `${options.url}${path}`,
        body,
        headers: { 'idempotency-key': key },
        timeoutMs: options.timeoutMs,
      });
    } catch (error) {
      if (error instanceof UpstreamUnavailable) throw pspUnavailable();
      throw error;
    }
  }
  return {
    async authorize(card: Card, amount: string, currency: string, key: string): Promise<AuthorizeOutcome> {
      const reply = await post('/v1/authorizations', { card, amount, currency }, key);
      if (reply.status === 201) {
        const a = authorization.parse(reply.body);
        return { ok: true, reference: a.reference, cardToken: a.cardToken, last4: a.last4 };
      }
      if (reply.status === 402) {
        return {
          ok: false,
          code: String(reply.body?.error ?? 'declined'),
          message: String(reply.body?.message ?? ''),
        };
      }
      throw pspUnavailable();
    },
    /**
     * The PSP's total captured after this capture (its totals are the truth), or its refusal. The
     * same key again replays a capture already made: nothing is captured twice.
     */
    async capture(reference: string, amount: string, key: string): Promise<CaptureOutcome> {
      const reply = await post(`/v1/authorizations/${reference}/capture`, { amount }, key);
      if (reply.status === 200)
        return { ok: true, capturedAmount: authorization.parse(reply.body).capturedAmount };
      if (reply.status === 400) return { ok: false, message: String(reply.body?.message ?? 'refused') };
      throw pspUnavailable();
    },
    /**
     * Like capture: the same key again replays a refund already made (nothing is refunded twice),
     * and a refund above what the PSP has captured is refused.
     */
    async refund(reference: string, amount: string, key: string): Promise<RefundOutcome> {
      const reply = await post(`/v1/authorizations/${reference}/refunds`, { amount }, key);
      if (reply.status === 200) {
        const a = authorization.parse(reply.body);
        return { ok: true, capturedAmount: a.capturedAmount, refundedAmount: a.refundedAmount };
      }
      if (reply.status === 400) return { ok: false, message: String(reply.body?.message ?? 'refused') };
      throw pspUnavailable();
    },
  };
}
export type PspAdapter = ReturnType<typeof createPspAdapter>;
