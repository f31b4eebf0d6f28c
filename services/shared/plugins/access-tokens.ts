import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import fp from 'fastify-plugin';
import { createRemoteJWKSet, errors, type JWTVerifyGetKey, jwtVerify } from 'jose';
import { z } from 'zod';
import { forbidden, HttpError, unauthorized } from '../errors.ts';
import { VerifiedTokenCache } from './verified-token-cache.ts';

/** The roles of DESIGN.md 3.6 / issue 13. */
export const ROLES = ['customer', 'sales_manager', 'admin', 'service'] as const;
export type Role = (typeof ROLES)[number];

/** Who made the request, as the access token says. */
export interface Principal {
  userId: number;
  roles: Role[];
}

declare module 'fastify' {
  interface FastifyRequest {
    principal: Principal | null;
  }
  interface FastifyInstance {
    /** Verifies a compact JWT; throws a 401 HttpError when it is not a valid access token. */
    verifyAccessToken(token: string): Promise<Principal>;
    /** preHandler: the request must carry a valid access token. */
    authenticate(request: FastifyRequest, reply: FastifyReply): Promise<void>;
    /** preHandler factory: a valid token holding one of these roles (403 otherwise). */
    requireRole(...roles: Role[]): (request: FastifyRequest, reply: FastifyReply) => Promise<void>;
  }
}

export interface AccessTokenOptions {
  issuer: string;
  audience: string;
  /** Where to find the public keys: auth's JWKS URL (cached by jose, refetched on an unknown kid)… */
  jwksUrl?: string;
  jwksCooldownMs?: number;
  /** …or a key lookup of the caller's own (auth verifies with the keys it holds). */
  keys?: JWTVerifyGetKey;
}

/** Only the algorithms auth signs with: `none` and HMAC (a public key used as a secret) never pass. */
export const ACCESS_TOKEN_ALGORITHMS = ['EdDSA'];

const claims = z.object({
  sub: z.string().regex(/^\d+$/),
  roles: z.array(z.enum(ROLES)),
});

function bearer(request: FastifyRequest): string | undefined {
  const header = request.headers.authorization;
  if (header === undefined) return undefined;
  const match = /^Bearer ([A-Za-z0-9._~+/=-]+)$/.exec(header);
  if (!match) throw unauthorized('the Authorization header must be "Bearer <access token>"');
  return match[1];
}

/**
 * Access-token checks every service runs itself (the gateway is not the only lock): signature
 * against auth's JWKS, algorithm, issuer, audience, expiry, and the claims' shape.
 */
export const accessTokenPlugin = fp(
  async (app: FastifyInstance, options: AccessTokenOptions) => {
    const keys =
      options.keys ??
      createRemoteJWKSet(new URL(options.jwksUrl ?? 'http://127.0.0.1:7001/.well-known/jwks.json'), {
        cooldownDuration: options.jwksCooldownMs ?? 30_000,
        timeoutDuration: 2000,
      });

    // Only where keys come from a remote JWKS: auth holds its own keys and refuses a retired key's
    // tokens at once (its tests say so); the other services keep a JWKS copy for minutes anyway.
    const verified = options.keys === undefined ? new VerifiedTokenCache<Principal>() : undefined;

    async function verifyAccessToken(token: string): Promise<Principal> {
      const known = verified?.get(token);
      if (known) return known;
      try {
        const { payload } = await jwtVerify(token, keys, {
          issuer: options.issuer,
          audience: options.audience,
          algorithms: ACCESS_TOKEN_ALGORITHMS,
          requiredClaims: ['exp', 'sub'],
        });
        const parsed = claims.safeParse(payload);
        if (!parsed.success) throw unauthorized('the access token lacks a user id or roles');
        // Frozen: a cached principal is shared by every request carrying the token.
        const principal: Principal = Object.freeze({
          userId: Number(parsed.data.sub),
          roles: Object.freeze(parsed.data.roles) as Role[],
        });
        verified?.set(token, principal, payload.exp!);
        return principal;
      } catch (error) {
        if (error instanceof HttpError) throw error;
        if (error instanceof errors.JWTExpired) throw unauthorized('the access token has expired');
        // A JWKS that cannot be fetched is our failure, not the client's: 503, retry later.
        if (error instanceof errors.JWKSTimeout || !(error instanceof errors.JOSEError)) {
          throw new HttpError(
            503,
            'auth_unavailable',
            'the keys to check access tokens cannot be fetched now',
            {
              headers: { 'retry-after': '1' },
            },
          );
        }
        throw unauthorized('the access token is not valid');
      }
    }

    async function authenticate(request: FastifyRequest): Promise<void> {
      const token = bearer(request);
      if (token === undefined) throw unauthorized();
      request.principal = await verifyAccessToken(token);
    }

    app.decorateRequest('principal', null);
    app.decorate('verifyAccessToken', verifyAccessToken);
    app.decorate('authenticate', authenticate);
    app.decorate('requireRole', (...roles: Role[]) => async (request: FastifyRequest) => {
      await authenticate(request);
      if (!request.principal!.roles.some((role) => roles.includes(role))) {
        throw forbidden(`this needs one of the roles ${roles.join(', ')}`);
      }
    });
  },
  { name: 'access-tokens' },
);
