import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { type Kysely, sql, type Transaction } from 'kysely';
import { badRequest, conflict, errorReply, isDuplicateKey } from '../../shared/index.ts';
import type { OrdersDatabase } from '../database.ts';
import type { DiscountRule } from '../pricing.ts';
import { discount, discountBody } from '../schemas/orders.ts';

const toMysqlTime = (iso: string) => iso.replace('T', ' ').replace(/Z$|[+-]\d\d:\d\d$/, '');

/** Discount codes: created by admin and sales managers, used up by orders. */
export async function discountRoutes(app: FastifyInstance, db: Kysely<OrdersDatabase>): Promise<void> {
  const r = app.withTypeProvider<ZodTypeProvider>();
  r.post(
    '/discounts',
    {
      preHandler: app.requireRole('admin', 'sales_manager'),
      schema: {
        tags: ['discounts'],
        security: [{ bearer: [] }],
        body: discountBody,
        response: { 201: discount, 400: errorReply, 401: errorReply, 403: errorReply, 409: errorReply },
      },
    },
    async (request, reply) => {
      const b = request.body;
      if (b.validFrom && b.validTo && b.validFrom >= b.validTo) {
        throw badRequest('body.validTo: must be after validFrom', 'body.validTo');
      }
      try {
        const result = await db
          .insertInto('discounts')
          .values({
            code: b.code,
            kind: b.kind,
            value: b.value,
            valid_from: b.validFrom ? toMysqlTime(new Date(b.validFrom).toISOString()) : null,
            valid_to: b.validTo ? toMysqlTime(new Date(b.validTo).toISOString()) : null,
            max_uses: b.maxUses ?? null,
          })
          .executeTakeFirstOrThrow();
        const row = await db
          .selectFrom('discounts')
          .selectAll()
          .where('id', '=', String(result.insertId))
          .executeTakeFirstOrThrow();
        return reply.code(201).send({
          id: Number(row.id),
          code: row.code,
          kind: row.kind,
          value: row.value,
          active: Boolean(Number(row.active)),
          validFrom: row.valid_from,
          validTo: row.valid_to,
          maxUses: row.max_uses,
          usedCount: Number(row.used_count),
        });
      } catch (error) {
        if (isDuplicateKey(error)) throw conflict(`body.code: ${b.code} exists`, 'body.code');
        throw error;
      }
    },
  );
}

/**
 * Takes one use of a code inside the order's transaction: one guarded UPDATE, so two orders racing
 * for the last use cannot both get it. Refused with 400 naming body.discountCode.
 */
export async function useDiscount(trx: Transaction<OrdersDatabase>, code: string): Promise<DiscountRule> {
  const result = await trx
    .updateTable('discounts')
    .set({ used_count: sql`used_count + 1` })
    .where('code', '=', code)
    .where('active', '=', 1)
    .where((eb) =>
      eb.or([eb('valid_from', 'is', null), eb('valid_from', '<=', sql<string>`utc_timestamp(6)`)]),
    )
    .where((eb) => eb.or([eb('valid_to', 'is', null), eb('valid_to', '>', sql<string>`utc_timestamp(6)`)]))
    .where((eb) => eb.or([eb('max_uses', 'is', null), eb('used_count', '<', eb.ref('max_uses'))]))
    .executeTakeFirst();
  if (Number(result.numUpdatedRows) === 0) {
    throw badRequest(`body.discountCode: ${code} is unknown, expired or used up`, 'body.discountCode');
  }
  const row = await trx
    .selectFrom('discounts')
    .select(['id', 'kind', 'value'])
    .where('code', '=', code)
    .executeTakeFirstOrThrow();
  return { id: Number(row.id), kind: row.kind, value: row.value };
}
