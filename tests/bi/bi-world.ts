import { createPool, type Pool } from 'mysql2/promise';
import { sourceUrl } from '../../core/config.ts';
import { buildAuth } from '../../services/auth/build.ts';
import { authSettings } from '../../services/auth/settings.ts';
import { type BiServiceOverrides, buildBiService } from '../../services/bi/service.ts';
import { biSettings } from '../../services/bi/settings.ts';
import { buildGateway } from '../../services/gateway/build.ts';
import { gatewaySettings } from '../../services/gateway/settings.ts';
import { loadSettings } from '../../services/shared/index.ts';
import type { Scratch } from '../support/scratch.ts';

/**
 * auth, the sales-dynamics page and the gateway in front of them, on a scratch's auth database and
 * warehouse, listening on ephemeral ports: a browser opens `${gatewayUrl}/api/bi/` and logs in through
 * `/api/auth/login` on the same origin, as a user reaches the page behind nginx.
 */
export interface BiWorld {
  authUrl: string;
  biUrl: string;
  gatewayUrl: string;
  /** The page as a browser opens it, through the gateway. */
  pageUrl: string;
  /** The page's service (its digest dispatcher is `bi.digests`). */
  bi: Awaited<ReturnType<typeof buildBiService>>;
  authDb: Pool;
  close(): Promise<void>;
}

export async function startBiWorld(
  scratch: Scratch,
  options: { biEnv?: Record<string, string>; bi?: BiServiceOverrides } = {},
): Promise<BiWorld> {
  // Every request comes from 127.0.0.1, and three services share one process on a busy machine: the
  // per-address limits and load shedding would refuse test requests at random.
  const env = {
    LOG_LEVEL: 'silent',
    JWKS_COOLDOWN_MS: '0',
    RATE_LIMIT_PER_ADDRESS: '100000',
    PRESSURE_MAX_EVENT_LOOP_UTILIZATION: '0',
    PRESSURE_MAX_EVENT_LOOP_DELAY_MS: '0',
    PORT: '0',
  };
  const auth = await buildAuth(
    loadSettings(authSettings, { ...env, AUTH_DB_URL: sourceUrl(scratch.config, 'auth') }),
  );
  const authUrl = await auth.listen({ host: '127.0.0.1', port: 0 });
  const bi = await buildBiService(
    loadSettings(biSettings, {
      ...env,
      BI_DWH_URL: scratch.config.DWH_URL,
      AUTH_URL: authUrl,
      AUTH_JWKS_URL: `${authUrl}/.well-known/jwks.json`,
      DIGEST_POLL_MS: '0',
      ...options.biEnv,
    }),
    options.bi,
  );
  const biUrl = await bi.listen({ host: '127.0.0.1', port: 0 });
  const gateway = await buildGateway(
    loadSettings(gatewaySettings, {
      ...env,
      GATEWAY_RATE_LIMIT_PER_MINUTE: '100000',
      AUTH_URL: authUrl,
      BI_URL: biUrl,
      AUTH_JWKS_URL: `${authUrl}/.well-known/jwks.json`,
    }),
  );
  const gatewayUrl = await gateway.listen({ host: '127.0.0.1', port: 0 });
  const authDb = createPool({
    uri: sourceUrl(scratch.config, 'auth'),
    connectionLimit: 2,
    dateStrings: true,
  });
  return {
    authUrl,
    biUrl,
    gatewayUrl,
    pageUrl: `${gatewayUrl}/api/bi/`,
    bi,
    authDb,
    async close() {
      await gateway.close();
      await bi.close();
      await auth.close();
      await authDb.end();
    },
  };
}
