import { z } from 'zod';

/** Money as the database keeps it (DECIMAL(12,2)): an exact decimal string, never a float. */
const price = z
  .string()
  .regex(/^\d{1,10}(\.\d{1,2})?$/, 'must be a decimal string such as "1299.00"')
  .refine((v) => Number(v) > 0, 'must be above zero')
  .describe('exact decimal string');
const currency = z.string().regex(/^[A-Z]{3}$/, 'must be an ISO 4217 code such as UAH');
const id = z.number().int().positive();

export const category = z.object({
  id,
  parentId: id.nullable(),
  name: z.string(),
  slug: z.string(),
  updatedAt: z.string(),
});
export const categoriesReply = z.object({ items: z.array(category) });
export const categoryBody = z.strictObject({
  name: z.string().trim().min(1).max(200),
  slug: z
    .string()
    .regex(/^[a-z0-9]+(-[a-z0-9]+)*$/, 'must be lower-case words joined by hyphens')
    .max(200),
  parentId: id.nullable().optional(),
});
export const categoryPatch = categoryBody
  .partial()
  .refine((b) => Object.keys(b).length > 0, 'nothing to change');

export const product = z.object({
  id,
  sku: z.string(),
  name: z.string(),
  description: z.string().nullable(),
  categoryId: id,
  price: z.string(),
  currency: z.string(),
  active: z.boolean(),
  updatedAt: z.string(),
});
export const productBody = z.strictObject({
  sku: z
    .string()
    .regex(/^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/, 'letters, digits, dot, dash, underscore; at most 64'),
  name: z.string().trim().min(1).max(300),
  description: z.string().max(5000).nullable().optional(),
  categoryId: id,
  price,
  currency: currency.optional(),
  active: z.boolean().optional(),
});
export const productPatch = productBody
  .omit({ sku: true })
  .partial()
  .refine((b) => Object.keys(b).length > 0, 'nothing to change');

export const PRODUCT_SORTS = ['id', 'price', '-price', 'name', '-updatedAt'] as const;
export type ProductSort = (typeof PRODUCT_SORTS)[number];

export const productQuery = z.strictObject({
  categoryId: z.coerce.number().int().positive().optional().describe('this category and all below it'),
  minPrice: price.optional(),
  maxPrice: price.optional(),
  q: z.string().trim().min(1).max(100).optional().describe('words in the name'),
  sort: z.enum(PRODUCT_SORTS).default('id'),
  limit: z.coerce.number().int().min(1).max(100).default(20),
  cursor: z.string().max(300).optional().describe('nextCursor of the previous page'),
  includeInactive: z
    .enum(['true', 'false'])
    .default('false')
    .transform((v) => v === 'true')
    .describe('admin and sales_manager only'),
});
export type ProductQuery = z.infer<typeof productQuery>;
export const productsReply = z.object({ items: z.array(product), nextCursor: z.string().nullable() });
export type ProductsReply = z.infer<typeof productsReply>;
export const idParams = z.object({ id: z.coerce.number().int().positive() });
export const priceLookupBody = z.strictObject({ ids: z.array(id).min(1).max(200) });
export const priceLookupReply = z.object({
  items: z.array(
    z.object({ id, sku: z.string(), price: z.string(), currency: z.string(), active: z.boolean() }),
  ),
  missing: z.array(id),
});
