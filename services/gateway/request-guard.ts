import type { FastifyInstance, FastifyRequest } from 'fastify';
import { badRequest, notFound } from '../shared/index.ts';

/**
 * Headers by which a caller could claim an identity: a service behind us must never see them from a
 * client (services trust only the access token, but a future one might read these).
 */
const IDENTITY_HEADER =
  /^(x-user(-.*)?|x-auth(-.*)?|x-authenticated-.*|x-forwarded-user|x-remote-user|x-principal|x-roles?|remote-user)$/i;

/** Paths of a service that are for operators only: never reachable through the gateway. */
const PRIVATE_FIRST_SEGMENTS = new Set(['metrics', 'docs', 'documentation']);

export function stripIdentityHeaders(request: FastifyRequest): void {
  for (const name of Object.keys(request.headers)) {
    if (IDENTITY_HEADER.test(name)) delete request.headers[name];
  }
}

/**
 * Refuses `/api/<service>/metrics` and `/docs` however they are spelled (encoded, doubled slashes,
 * dot segments), since the service would normalise them the same way.
 */
export function guardPath(request: FastifyRequest): void {
  const raw = request.url.split('?')[0]!;
  let path: string;
  try {
    path = decodeURIComponent(raw);
  } catch {
    throw badRequest('the path is not valid percent-encoding');
  }
  const segments = path.split('/').filter((s) => s !== '');
  if (segments.some((s) => s === '.' || s === '..' || s.includes('\\'))) {
    throw badRequest('dot segments are not allowed in the path');
  }
  const first = segments[2]?.toLowerCase();
  if (segments[0] === 'api' && first !== undefined && PRIVATE_FIRST_SEGMENTS.has(first.split(/[;.]/)[0]!)) {
    throw notFound(`no route ${request.method} ${raw}`);
  }
}

/**
 * Before any proxying: identity headers dropped, private paths refused, and a token that is present
 * must be valid (401 here, before the service spends anything on it). Requests without a token pass:
 * the service decides whether its route needs one.
 */
export function registerRequestGuard(app: FastifyInstance): void {
  app.addHook('onRequest', async (request) => {
    stripIdentityHeaders(request);
    if (!request.url.startsWith('/api/')) return;
    guardPath(request);
    if (request.headers.authorization !== undefined) await app.authenticate(request, undefined as never);
  });
}
