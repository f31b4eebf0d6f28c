import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import type { Kysely } from 'kysely';
import { z } from 'zod';
import { errorReply, listReply } from '../shared/index.ts';
import type { NotificationsDatabase } from './database.ts';

const notification = z.object({
  id: z.number().int(),
  eventId: z.string(),
  eventType: z.string(),
  channel: z.string(),
  recipient: z.string(),
  status: z.string(),
  sentAt: z.string().nullable(),
  createdAt: z.string(),
});
const listQuery = z.strictObject({
  limit: z.coerce.number().int().min(1).max(100).default(20),
  cursor: z
    .string()
    .regex(/^\d{1,18}$/, 'must be the nextCursor of the previous page')
    .optional(),
});

/** The notifications app as a plugin: a customer reads their own notifications, newest first. */
export async function notificationsApp(
  app: FastifyInstance,
  options: { db: Kysely<NotificationsDatabase> },
): Promise<void> {
  const r = app.withTypeProvider<ZodTypeProvider>();
  r.get(
    '/notifications',
    {
      preHandler: app.authenticate,
      schema: {
        tags: ['notifications'],
        summary: "The caller's own notifications, newest first",
        security: [{ bearer: [] }],
        querystring: listQuery,
        response: { 200: listReply(notification), 400: errorReply, 401: errorReply },
      },
    },
    async (request) => {
      const { limit, cursor } = request.query;
      let query = options.db
        .selectFrom('notifications')
        .select(['id', 'event_id', 'event_type', 'channel', 'recipient', 'status', 'sent_at', 'created_at'])
        .where('user_id', '=', String(request.principal!.userId));
      if (cursor) query = query.where('id', '<', cursor);
      const rows = await query
        .orderBy('id', 'desc')
        .limit(limit + 1)
        .execute();
      const page = rows.slice(0, limit);
      return {
        items: page.map((n) => ({
          id: Number(n.id),
          eventId: n.event_id,
          eventType: n.event_type,
          channel: n.channel,
          recipient: n.recipient,
          status: n.status,
          sentAt: n.sent_at,
          createdAt: n.created_at,
        })),
        nextCursor: rows.length > limit ? String(page.at(-1)!.id) : null,
      };
    },
  );
}
