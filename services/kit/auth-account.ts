import { z } from 'zod';
import { HttpError } from '../shared/index.ts';
import { callJson, UpstreamUnavailable } from './http-client.ts';

const accountReply = z.object({ id: z.number(), email: z.string() });
export type AuthAccount = z.infer<typeof accountReply>;

/**
 * The caller's account as auth knows it (`GET /me`), asked with the caller's own token: what a
 * service needs to write to the account's own e-mail, never to an address a request names. Auth not
 * knowing the token answers 401; auth out of reach answers 503 `auth_unavailable` with Retry-After
 * `retryAfterSeconds` (each caller says how soon a retry is worth it).
 */
export function createAuthAccountClient(authUrl: string, options: { retryAfterSeconds: number }) {
  return {
    async me(authorization: string, requestId: string): Promise<AuthAccount> {
      try {
        const reply = await callJson({
          upstream: 'auth',
          url: `${authUrl}/me`,
          headers: { authorization, 'x-request-id': requestId },
          timeoutMs: 2000,
          retries: 1,
        });
        if (reply.status !== 200) throw new HttpError(401, 'unauthorized', 'auth does not know this account');
        return accountReply.parse(reply.body);
      } catch (error) {
        if (error instanceof UpstreamUnavailable) {
          throw new HttpError(
            503,
            'auth_unavailable',
            'the auth service is unavailable now; nothing was changed, try again',
            { headers: { 'retry-after': String(options.retryAfterSeconds) } },
          );
        }
        throw error;
      }
    },
  };
}
export type AuthAccountClient = ReturnType<typeof createAuthAccountClient>;
