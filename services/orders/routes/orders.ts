import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import type { Kysely } from 'kysely';
import { idempotencyHeaders, requestHash } from '../../kit/idempotency.ts';
import { runIdempotent } from '../../kit/idempotency-store.ts';
import { conflict, errorReply, forbidden, listReply, notFound } from '../../shared/index.ts';
import type { OrdersDatabase } from '../database.ts';
import { mergeItems, priceOrder } from '../pricing.ts';
import {
  insertOrder,
  listOrderIds,
  lockOrder,
  moveOrder,
  readOrder,
} from '../repositories/orders-repository.ts';
import type { PeopleRepository } from '../repositories/people-repository.ts';
import { idParams, listQuery, order, orderBody, statusBody } from '../schemas/orders.ts';
import { canMove, type OrderStatus } from '../status-machine.ts';
import type { Upstreams } from '../upstreams.ts';
import { canSee, viewerOf } from '../viewer.ts';
import { useDiscount } from './discounts.ts';

export interface OrderRouteDeps {
  db: Kysely<OrdersDatabase>;
  people: PeopleRepository;
  upstreams: Upstreams;
}

const errors = {
  400: errorReply,
  401: errorReply,
  403: errorReply,
  404: errorReply,
  409: errorReply,
  422: errorReply,
  503: errorReply,
};

/** Orders: placed by customers at the catalog's prices, read by their owner, manager or admin. */
export async function orderRoutes(app: FastifyInstance, deps: OrderRouteDeps): Promise<void> {
  const { db, people, upstreams } = deps;
  const r = app.withTypeProvider<ZodTypeProvider>();

  /** The order if the caller may see it; 404 otherwise, so others' order ids reveal nothing. */
  async function visibleOrder(request: Parameters<typeof viewerOf>[0], id: number) {
    const found = await readOrder(db, id);
    if (found) {
      const viewer = await viewerOf(request, people);
      const owner = await people.customerById(found.customerId);
      if (canSee(viewer, { customerId: found.customerId, managerOfCustomer: owner?.managerId ?? null })) {
        return { order: found, viewer };
      }
    }
    throw notFound(`no order ${id}`);
  }

  r.post(
    '/orders',
    {
      preHandler: app.authenticate,
      schema: {
        tags: ['orders'],
        summary: 'Place an order at current prices, with an optional discount code (Idempotency-Key)',
        security: [{ bearer: [] }],
        headers: idempotencyHeaders,
        body: orderBody,
        response: { 200: order, 201: order, ...errors },
      },
    },
    async (request, reply) => {
      const customer = await people.customerByUser(request.principal!.userId);
      if (!customer) throw conflict('no customer profile yet: POST /customers/me first');
      const items = mergeItems(request.body.items);
      const key = request.headers['idempotency-key'];
      // Prices first, outside any transaction: when the catalog is down nothing has been written.
      const lookup = await upstreams.prices(
        items.map((i) => i.productId),
        request.id,
      );
      const result = await runIdempotent(
        db,
        {
          owner: { user_id: String(customer.userId) },
          scope: 'create-order',
          key,
          hash: requestHash(request.body),
        },
        async (trx) => {
          const discount = request.body.discountCode
            ? await useDiscount(trx, request.body.discountCode)
            : null;
          const priced = priceOrder(items, lookup, discount);
          const id = await insertOrder(trx, {
            ...priced,
            customerId: customer.id,
            managerId: customer.managerId,
          });
          return { status: 201, body: (await readOrder(trx, id))! };
        },
      );
      return reply.code(result.status).send(result.body as never);
    },
  );

  r.get(
    '/orders',
    {
      preHandler: app.authenticate,
      schema: {
        tags: ['orders'],
        summary: "The caller's orders (a manager: their customers'; admin: all), newest first",
        security: [{ bearer: [] }],
        querystring: listQuery,
        response: { 200: listReply(order), ...errors },
      },
    },
    async (request) => {
      const viewer = await viewerOf(request, people);
      const { limit, cursor } = request.query;
      if (!viewer.admin && viewer.customerId === undefined && viewer.employeeId === undefined) {
        return { items: [], nextCursor: null };
      }
      const ids = await listOrderIds(db, {
        all: viewer.admin,
        ...(viewer.customerId !== undefined ? { customerId: viewer.customerId } : {}),
        ...(viewer.employeeId !== undefined ? { managerId: viewer.employeeId } : {}),
        limit: limit + 1,
        ...(cursor ? { before: Number(cursor) } : {}),
      });
      const page = ids.slice(0, limit);
      const items = await Promise.all(page.map((id) => readOrder(db, id)));
      return {
        items: items.filter((o) => o !== undefined),
        nextCursor: ids.length > limit ? String(page.at(-1)) : null,
      };
    },
  );

  r.get(
    '/orders/:id',
    {
      preHandler: app.authenticate,
      schema: {
        tags: ['orders'],
        security: [{ bearer: [] }],
        params: idParams,
        response: { 200: order, ...errors },
      },
    },
    async (request) => (await visibleOrder(request, request.params.id)).order,
  );

  r.post(
    '/orders/:id/status',
    {
      preHandler: app.authenticate,
      schema: {
        tags: ['orders'],
        summary: 'Ship, deliver (manager, admin) or cancel an order; an illegal move is refused with 409',
        security: [{ bearer: [] }],
        params: idParams,
        body: statusBody,
        response: { 200: order, ...errors },
      },
    },
    async (request) => {
      const { order: current, viewer } = await visibleOrder(request, request.params.id);
      const to: OrderStatus = request.body.status;
      const staff = viewer.admin || viewer.employeeId !== undefined;
      // A customer may only cancel their own unpaid order; shipping is the shop's business.
      if (!staff && !(to === 'cancelled' && current.status === 'pending_payment')) {
        throw forbidden('only the shop moves an order to this status');
      }
      await db.transaction().execute(async (trx) => {
        const locked = await lockOrder(trx, current.id);
        const from = locked!.status as OrderStatus;
        if (!canMove(from, to)) throw conflict(`an order that is ${from} cannot become ${to}`, 'body.status');
        await moveOrder(trx, current.id, to);
      });
      return (await readOrder(db, current.id))!;
    },
  );
}
