import { z } from 'zod';
import { callJson, UpstreamUnavailable } from '../kit/http-client.ts';
import { HttpError } from '../shared/index.ts';

const meReply = z.object({ id: z.number(), email: z.string() });

/**
 * The caller's account as auth knows it, asked with the caller's own token: a digest goes to the
 * account's own e-mail, never to an address a request names.
 */
export function createAuthClient(authUrl: string) {
  return {
    async me(authorization: string, requestId: string): Promise<z.infer<typeof meReply>> {
      try {
        const reply = await callJson({
          upstream: 'auth',
          url: `${authUrl}/me`,
          headers: { authorization, 'x-request-id': requestId },
          timeoutMs: 2000,
          retries: 1,
        });
        if (reply.status !== 200) throw new HttpError(401, 'unauthorized', 'auth does not know this account');
        return meReply.parse(reply.body);
      } catch (error) {
        if (error instanceof UpstreamUnavailable) {
          throw new HttpError(
            503,
            'auth_unavailable',
            'the auth service is unavailable now; nothing was changed, try again',
            {
              headers: { 'retry-after': '5' },
            },
          );
        }
        throw error;
      }
    },
  };
}
export type AuthClient = ReturnType<typeof createAuthClient>;
