import type { DestinationStream } from 'pino';
import { createService } from '../shared/index.ts';
import { gatewayApp } from './app.ts';
import type { GatewaySettings } from './settings.ts';

/** The gateway, ready to listen. Ready when auth answers: without its keys no token can be checked. */
export async function buildGateway(
  settings: GatewaySettings,
  options: { logStream?: DestinationStream } = {},
) {
  const app = await createService({
    name: 'gateway',
    description: 'Routes /api/<service>/… to the services.',
    settings,
    withoutDocs: true,
    checkReady: async () => {
      const response = await fetch(settings.AUTH_JWKS_URL, { signal: AbortSignal.timeout(2000) });
      if (!response.ok) throw new Error(`auth's JWKS answered ${response.status}`);
    },
    ...(options.logStream ? { logStream: options.logStream } : {}),
  });
  await app.register(gatewayApp, settings);
  return app;
}
