import proxy from '@fastify/http-proxy';
import rateLimit from '@fastify/rate-limit';
import type { FastifyInstance } from 'fastify';
import { tooManyRequests } from '../shared/index.ts';
import { registerRequestGuard } from './request-guard.ts';
import { type GatewaySettings, ROUTED_SERVICES, upstreamOf } from './settings.ts';

/** The gateway as a plugin: rate limit, request guard, then one proxy per service. */
export async function gatewayApp(app: FastifyInstance, settings: GatewaySettings): Promise<void> {
  await app.register(rateLimit, {
    max: settings.GATEWAY_RATE_LIMIT_PER_MINUTE,
    timeWindow: 60_000,
    errorResponseBuilder: (_request, context) =>
      tooManyRequests(
        `more than ${context.max} requests a minute from this address`,
        Math.ceil(context.ttl / 1000),
      ),
  });
  registerRequestGuard(app);
  for (const service of ROUTED_SERVICES) {
    await app.register(proxy, {
      upstream: upstreamOf(settings, service),
      prefix: `/api/${service}`,
      rewritePrefix: '',
      // Keep-alive connections to each service; one request per connection at a time.
      undici: { connections: 64, pipelining: 1, keepAliveTimeout: 30_000 },
      // reply-from's two info lines per request ("fetching from remote server", "response
      // received") tripled the gateway's log volume; its one access line says what they did.
      disableRequestLogging: true,
      replyOptions: {
        rewriteRequestHeaders: (request, headers) => ({
          ...headers,
          'x-request-id': request.id,
          'x-forwarded-for': request.ips ? request.ips.join(', ') : request.ip,
        }),
      },
    });
  }
}
