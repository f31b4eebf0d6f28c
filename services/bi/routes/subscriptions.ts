import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { AuthAccountClient } from '../../kit/auth-account.ts';
import { badRequest, errorReply, notFound } from '../../shared/index.ts';
import { localClock, periodContaining } from '../digest-periods.ts';
import type { SalesRepository } from '../sales-repository.ts';
import { createSubscriptionBody, subscription, subscriptionParams } from '../subscription-schemas.ts';
import { type SubscriptionsRepository, toSubscription } from '../subscriptions-repository.ts';

const errors = { 400: errorReply, 401: errorReply, 403: errorReply };

/**
 * A user's digest subscriptions: subscribe to a view (cadence, regions, category), list, unsubscribe.
 * The view is checked against what the user may see (their regions, leaf categories) as their own
 * database role, and the digest goes to the account's e-mail at auth.
 */
export async function subscriptionRoutes(
  fastify: FastifyInstance,
  options: {
    sales: SalesRepository;
    subscriptions: SubscriptionsRepository;
    auth: AuthAccountClient;
    timeZone: string;
    now: () => Date;
  },
) {
  const app = fastify.withTypeProvider<ZodTypeProvider>();
  const { sales, subscriptions } = options;

  app.post(
    '/subscriptions',
    {
      preHandler: app.authenticate,
      schema: {
        summary: 'Subscribe to an e-mail digest of a view, sent after each completed day, week or month',
        security: [{ bearer: [] }],
        body: createSubscriptionBody,
        response: { 201: subscription, ...errors, 503: errorReply },
      },
    },
    async (request, reply) => {
      const userId = request.principal!.userId;
      const body = request.body;
      // as the user: a region they cannot see, or a parent category, is refused (403 without a login)
      const filters = await sales.filters(userId);
      const unknown = body.regions.filter((code) => !filters.regions.some((r) => r.code === code));
      if (unknown.length > 0) {
        throw badRequest(
          `regions you cannot see or that do not exist: ${unknown.join(', ')}`,
          'body.regions',
        );
      }
      if (body.category !== undefined && !filters.categories.some((c) => c.key === body.category)) {
        throw badRequest(
          `category ${body.category} is not a leaf category: choose one /api/filters lists`,
          'body.category',
        );
      }
      const me = await options.auth.me(request.headers.authorization!, request.id);
      const row = await subscriptions.create({
        authUserId: userId,
        email: me.email,
        cadence: body.cadence,
        regions: [...new Set(body.regions)].sort(),
        category: body.category ?? null,
        nextPeriodStart: periodContaining(body.cadence, localClock(options.now(), options.timeZone).day),
      });
      return reply.status(201).send(toSubscription(row));
    },
  );

  app.get(
    '/subscriptions',
    {
      preHandler: app.authenticate,
      schema: {
        summary: "The caller's digest subscriptions",
        security: [{ bearer: [] }],
        response: { 200: z.object({ items: z.array(subscription) }), ...errors },
      },
    },
    async (request) => ({
      items: (await subscriptions.list(request.principal!.userId)).map(toSubscription),
    }),
  );

  app.delete(
    '/subscriptions/:id',
    {
      preHandler: app.authenticate,
      schema: {
        summary: 'Unsubscribe: no further digests of this subscription',
        security: [{ bearer: [] }],
        params: subscriptionParams,
        response: { 204: z.null(), ...errors, 404: errorReply },
      },
    },
    async (request, reply) => {
      if (!(await subscriptions.delete(request.principal!.userId, request.params.id))) {
        throw notFound(`you have no subscription ${request.params.id}`);
      }
      return reply.status(204).send(null);
    },
  );
}
