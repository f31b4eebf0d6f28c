import type { FastifyInstance } from 'fastify';
import type { Kysely } from 'kysely';
import type { OrdersDatabase } from './database.ts';
import { createPeopleRepository } from './repositories/people-repository.ts';
import { checkoutRoutes } from './routes/checkout.ts';
import { discountRoutes } from './routes/discounts.ts';
import { orderRoutes } from './routes/orders.ts';
import { peopleRoutes } from './routes/people.ts';
import type { Upstreams } from './upstreams.ts';

/** The orders app as a plugin (fastify/demo): its routes on top of the shared kit. */
export async function ordersApp(
  app: FastifyInstance,
  options: { db: Kysely<OrdersDatabase>; upstreams: Upstreams; outboxWritten: () => void },
): Promise<void> {
  const people = createPeopleRepository(options.db);
  const deps = { db: options.db, people, upstreams: options.upstreams };
  await peopleRoutes(app, deps);
  await discountRoutes(app, options.db);
  await orderRoutes(app, deps);
  await checkoutRoutes(app, { ...deps, outboxWritten: options.outboxWritten });
}
