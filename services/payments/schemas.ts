import { z } from 'zod';

const amount = z
  .string()
  .regex(/^\d{1,10}\.\d{2}$/, 'must be a decimal string with two decimals such as "10.00"')
  .refine((v) => Number(v) > 0, 'must be above zero');

export const idParams = z.object({ id: z.coerce.number().int().positive() });
export const serviceHeaders = z.object({
  'x-service-key': z
    .string()
    .max(200)
    .optional()
    .describe("the orders service's key (PAYMENTS_SERVICE_KEY): 401 without it"),
  'idempotency-key': z
    .string()
    .regex(/^[A-Za-z0-9._:-]{1,128}$/, 'letters, digits, dot, dash, colon, underscore'),
});
export const authorizeBody = z.strictObject({
  orderId: z.number().int().positive(),
  amount,
  currency: z.string().regex(/^[A-Z]{3}$/, 'must be an ISO 4217 code such as UAH'),
  card: z.strictObject({
    number: z.string().regex(/^\d{12,19}$/, 'must be 12 to 19 digits'),
    expMonth: z.number().int().min(1).max(12),
    expYear: z.number().int().min(2000).max(2100),
    cvc: z.string().regex(/^\d{3,4}$/, 'must be 3 or 4 digits'),
  }),
});
export const amountBody = z.strictObject({ amount });
export const payment = z.object({
  id: z.number().int(),
  orderId: z.number().int(),
  status: z.enum(['pending', 'succeeded', 'failed', 'refunded']),
  method: z.string(),
  amount: z.string(),
  currency: z.string(),
  authorizedAmount: z.string(),
  capturedAmount: z.string(),
  refundedAmount: z.string(),
  cardLast4: z.string().nullable(),
  pspReference: z.string().nullable(),
  failureCode: z.string().nullable(),
  createdAt: z.string(),
  updatedAt: z.string(),
});
export const webhookEvent = z.object({
  id: z.string().min(1).max(64),
  type: z.string().min(1).max(64),
  createdAt: z.string(),
  data: z.object({
    reference: z.string().min(1).max(64),
    capturedAmount: z.string().regex(/^\d{1,10}\.\d{2}$/),
    refundedAmount: z.string().regex(/^\d{1,10}\.\d{2}$/),
  }),
});
export const serviceKeyHeaders = serviceHeaders.pick({ 'x-service-key': true });
