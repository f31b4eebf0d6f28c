import type { FastifyInstance } from 'fastify';
import fp from 'fastify-plugin';
import { z } from 'zod';

export interface HealthOptions {
  service: string;
  version: string;
  /** Throws when a dependency the service cannot work without (its database) is unreachable. */
  checkReady(): Promise<void>;
}

const healthReply = z.object({ status: z.literal('ok'), service: z.string(), version: z.string() });
const readyReply = z.object({ status: z.enum(['ready', 'unavailable']), service: z.string() });

/** `/health` says the process answers; `/ready` that it can do its work (its database answers). */
export const healthPlugin = fp(
  async (app: FastifyInstance, options: HealthOptions) => {
    app.get('/health', { schema: { tags: ['operations'], response: { 200: healthReply } } }, async () => ({
      status: 'ok' as const,
      service: options.service,
      version: options.version,
    }));
    app.get(
      '/ready',
      { schema: { tags: ['operations'], response: { 200: readyReply, 503: readyReply } } },
      async (request, reply) => {
        try {
          await options.checkReady();
          return { status: 'ready' as const, service: options.service };
        } catch (error) {
          request.log.warn({ err: error }, 'not ready');
          return reply.code(503).send({ status: 'unavailable' as const, service: options.service });
        }
      },
    );
  },
  { name: 'health' },
);
