import { z } from 'zod';

const id = z.number().int().positive();
const money = z.string().describe('exact decimal string');
const timestamp = z.string().nullable();

export const idParams = z.object({ id: z.coerce.number().int().positive() });
export const listQuery = z.strictObject({
  limit: z.coerce.number().int().min(1).max(100).default(20),
  cursor: z
    .string()
    .regex(/^\d{1,18}$/, 'must be the nextCursor of the previous page')
    .optional(),
});

export const region = z.object({ id, code: z.string(), name: z.string() });
export const regionBody = z.strictObject({
  code: z.string().regex(/^[A-Z]{2}-[0-9A-Z]{1,10}$/, 'must look like UA-30'),
  name: z.string().trim().min(1).max(100),
});

export const employee = z.object({
  id,
  userId: id.nullable(),
  fullName: z.string(),
  email: z.string(),
  regionId: id,
  active: z.boolean(),
});
export const employeeBody = z.strictObject({
  fullName: z.string().trim().min(1).max(200),
  regionCode: z.string().min(1).max(16),
});

export const customer = z.object({
  id,
  userId: id.nullable(),
  email: z.string(),
  fullName: z.string(),
  phone: z.string().nullable(),
  city: z.string().nullable(),
  regionId: id,
  managerId: id.nullable(),
});
export const customerBody = z.strictObject({
  fullName: z.string().trim().min(1).max(200),
  regionCode: z.string().min(1).max(16),
  phone: z
    .string()
    .regex(/^\+?[0-9 ()-]{5,31}$/, 'must be a phone number')
    .optional(),
  city: z.string().trim().min(1).max(100).optional(),
});
export const managerBody = z.strictObject({ managerId: id });

export const discount = z.object({
  id,
  code: z.string(),
  kind: z.enum(['percent', 'fixed']),
  value: money,
  active: z.boolean(),
  validFrom: timestamp,
  validTo: timestamp,
  maxUses: z.number().int().nullable(),
  usedCount: z.number().int(),
});
export const discountBody = z
  .strictObject({
    code: z.string().regex(/^[A-Z0-9_-]{3,32}$/, 'upper-case letters, digits, dash, underscore; 3 to 32'),
    kind: z.enum(['percent', 'fixed']),
    value: z.string().regex(/^\d{1,10}(\.\d{1,2})?$/, 'must be a decimal string such as "10.00"'),
    validFrom: z.iso.datetime().optional(),
    validTo: z.iso.datetime().optional(),
    maxUses: z.number().int().min(1).max(1_000_000).optional(),
  })
  .refine((b) => Number(b.value) > 0, { message: 'must be above zero', path: ['value'] })
  .refine((b) => b.kind !== 'percent' || Number(b.value) <= 100, {
    message: 'a percent discount is at most 100',
    path: ['value'],
  });

export const orderBody = z.strictObject({
  items: z
    .array(z.strictObject({ productId: id, quantity: z.number().int().min(1).max(1000) }))
    .min(1)
    .max(100),
  discountCode: z.string().min(1).max(32).optional(),
});

export const orderItem = z.object({
  id,
  productId: id,
  quantity: z.number().int(),
  unitPrice: money,
  discountAmount: money,
});
export const order = z.object({
  id,
  customerId: id,
  managerId: id.nullable(),
  status: z.enum(['pending_payment', 'paid', 'shipped', 'delivered', 'cancelled', 'refunded']),
  currency: z.string(),
  subtotalAmount: money,
  discountAmount: money,
  totalAmount: money,
  discountCode: z.string().nullable(),
  paymentId: id.nullable(),
  items: z.array(orderItem),
  createdAt: z.string(),
  updatedAt: z.string(),
  paidAt: timestamp,
  shippedAt: timestamp,
  deliveredAt: timestamp,
  cancelledAt: timestamp,
  refundedAt: timestamp,
});
export type Order = z.infer<typeof order>;

export const checkoutBody = z.strictObject({
  card: z.strictObject({
    number: z.string().regex(/^\d{12,19}$/, 'must be 12 to 19 digits'),
    expMonth: z.number().int().min(1).max(12),
    expYear: z.number().int().min(2000).max(2100),
    cvc: z.string().regex(/^\d{3,4}$/, 'must be 3 or 4 digits'),
  }),
});
export const refundBody = z
  .strictObject({
    reason: z.string().trim().max(200).optional(),
    /** Part of what was paid; absent: everything not refunded yet. */
    amount: z
      .string()
      .regex(/^\d{1,10}(\.\d{1,2})?$/, 'must be an amount such as 25.50')
      .refine((a) => Number(a) > 0, 'must be above 0')
      .optional(),
  })
  .optional();
export const statusBody = z.strictObject({ status: z.enum(['shipped', 'delivered', 'cancelled']) });
