import { readFileSync } from 'node:fs';
import Fastify, { type FastifyInstance } from 'fastify';
import { serializerCompiler, validatorCompiler, type ZodTypeProvider } from 'fastify-type-provider-zod';
import type { DestinationStream } from 'pino';
import type { ServiceSettings } from './config.ts';
import { loggerOptions, requestIdOptions } from './logging.ts';
import { type AccessTokenOptions, accessTokenPlugin } from './plugins/access-tokens.ts';
import { errorHandler } from './plugins/error-handler.ts';
import { healthPlugin } from './plugins/health.ts';
import { metricsPlugin } from './plugins/metrics.ts';
import { openapiPlugin } from './plugins/openapi.ts';
import { protectionPlugin } from './plugins/protection.ts';

export type ServiceApp = FastifyInstance & { withTypeProvider: FastifyInstance['withTypeProvider'] };

/** The platform's version, shown by /health and `techmarket services status`. */
export const PLATFORM_VERSION: string = (
  JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string }
).version;

export interface ServiceDefinition {
  /** e.g. `catalog`: in logs, metrics and the OpenAPI title. */
  name: string;
  description: string;
  settings: ServiceSettings;
  /** Throws when the service cannot work (its database is down): /ready answers 503. */
  checkReady(): Promise<void>;
  /** How to check access tokens; default auth's JWKS from the settings. */
  accessTokens?: Partial<AccessTokenOptions>;
  /** Where logs go, default stdout (tests write them to a file they then search for secrets). */
  logStream?: DestinationStream;
  /** Skip OpenAPI and /docs (the gateway publishes none). */
  withoutDocs?: boolean;
  /** Skip /metrics: only `npm run bench:observability`, which measures what metrics cost. */
  withoutMetrics?: boolean;
}

/**
 * A Fastify instance with everything every service has (DESIGN.md 3.6): JSON logs with the request
 * id, zod validation and serialisation, one error handler, security headers, load shedding, body
 * limit, /health, /ready, /metrics, OpenAPI at /docs/json, access-token checks. The service then
 * registers its own app plugin (`app.ts`) on it.
 */
export async function createService(definition: ServiceDefinition) {
  const { settings } = definition;
  const app = Fastify({
    logger: loggerOptions(definition.name, settings.LOG_LEVEL, definition.logStream, settings),
    ...requestIdOptions(),
    bodyLimit: settings.BODY_LIMIT_BYTES,
    // Only loopback proxies (nginx, the gateway) are believed about the client's address.
    trustProxy: ['127.0.0.1', '::1'],
    // Keep-alive connections that are idle close at once on shutdown; busy ones finish first.
    forceCloseConnections: 'idle',
    return503OnClosing: true,
    // Long path parameters reach the route's schema and get its 400, not the router's bare 414.
    routerOptions: { ignoreTrailingSlash: true, maxParamLength: 2000 },
  }).withTypeProvider<ZodTypeProvider>();
  app.setValidatorCompiler(validatorCompiler);
  app.setSerializerCompiler(serializerCompiler);
  app.addHook('onRequest', async (request, reply) => {
    reply.header('x-request-id', request.id);
  });
  // One access line per request instead of Fastify's two (requestIdOptions turns those off): every
  // line is shipped to the log store, and at a thousand requests a second the second line doubled
  // what shipping cost. 5xx errors are logged by the error handler.
  app.addHook('onResponse', async (request, reply) => {
    request.log.info(
      {
        method: request.method,
        url: request.url,
        route: request.routeOptions.url,
        statusCode: reply.statusCode,
        responseTime: Math.round(reply.elapsedTime * 10) / 10,
      },
      'request completed',
    );
  });
  await app.register(errorHandler);
  await app.register(protectionPlugin, {
    maxEventLoopDelayMs: settings.PRESSURE_MAX_EVENT_LOOP_DELAY_MS,
    maxEventLoopUtilization: settings.PRESSURE_MAX_EVENT_LOOP_UTILIZATION,
  });
  if (!definition.withoutDocs) {
    await app.register(openapiPlugin, {
      title: `TechMarket ${definition.name}`,
      version: PLATFORM_VERSION,
      description: definition.description,
    });
  }
  if (!definition.withoutMetrics) await app.register(metricsPlugin, { service: definition.name });
  await app.register(healthPlugin, {
    service: definition.name,
    version: PLATFORM_VERSION,
    checkReady: definition.checkReady,
  });
  await app.register(accessTokenPlugin, {
    issuer: settings.JWT_ISSUER,
    audience: settings.JWT_AUDIENCE,
    jwksUrl: settings.AUTH_JWKS_URL,
    jwksCooldownMs: settings.JWKS_COOLDOWN_MS,
    ...definition.accessTokens,
  });
  return app;
}

export type Service = Awaited<ReturnType<typeof createService>>;
