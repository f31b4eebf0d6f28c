import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { errorReply, notFound } from '../../shared/index.ts';
import type { AuthDeps } from '../deps.ts';
import { jwksReply, kidParams, rotateReply } from '../schemas/account.ts';

/** The public keys (JWKS) and their rotation (admin). */
export async function keyRoutes(app: FastifyInstance, deps: AuthDeps): Promise<void> {
  const r = app.withTypeProvider<ZodTypeProvider>();
  r.get(
    '/.well-known/jwks.json',
    {
      schema: {
        tags: ['keys'],
        summary: 'The public keys access tokens are signed with (the signing key and those still verifying)',
        response: { 200: jwksReply },
      },
    },
    async (_request, reply) => {
      // Verifiers cache it; a token with an unknown kid makes them fetch again anyway.
      reply.header('cache-control', 'public, max-age=300');
      return deps.keys.jwks();
    },
  );
  r.post(
    '/keys/rotate',
    {
      preHandler: app.requireRole('admin'),
      schema: {
        tags: ['keys'],
        summary: 'Sign with a new key from now on; the old one keeps verifying until retired',
        security: [{ bearer: [] }],
        response: { 201: rotateReply, 401: errorReply, 403: errorReply },
      },
    },
    async (request, reply) => {
      const kid = await deps.keys.rotate();
      request.log.info({ kid }, 'signing key rotated');
      return reply.code(201).send({ kid });
    },
  );
  r.post(
    '/keys/:kid/retire',
    {
      preHandler: app.requireRole('admin'),
      schema: {
        tags: ['keys'],
        summary: 'Stop publishing a key that no longer signs (tokens it signed stop working)',
        security: [{ bearer: [] }],
        params: kidParams,
        response: { 200: rotateReply, 400: errorReply, 401: errorReply, 403: errorReply, 404: errorReply },
      },
    },
    async (request) => {
      if (!(await deps.keys.retire(request.params.kid))) {
        throw notFound(
          `no verifying key ${request.params.kid} (the signing key cannot be retired: rotate first)`,
        );
      }
      return { kid: request.params.kid };
    },
  );
}
