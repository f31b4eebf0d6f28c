import { randomUUID } from 'node:crypto';
import { type FastifyServerOptions, LogController } from 'fastify';
import type { DestinationStream, LoggerOptions } from 'pino';

/**
 * Every path under which a secret can reach a log line: passwords, tokens (access, refresh, reset),
 * the Authorization and Cookie headers, and payment cards. Fastify logs no bodies, but handlers log
 * objects, and errors carry what they were given.
 */
export const REDACTED_PATHS = [
  'password',
  'newPassword',
  'token',
  'accessToken',
  'refreshToken',
  'resetToken',
  'card',
  'cardNumber',
  'cvc',
  '*.password',
  '*.newPassword',
  '*.token',
  '*.accessToken',
  '*.refreshToken',
  '*.resetToken',
  '*.card',
  '*.cardNumber',
  '*.cvc',
  'req.headers.authorization',
  'req.headers.cookie',
  'res.headers["set-cookie"]',
  'headers.authorization',
  'headers.cookie',
];

/** A caller's request id is kept when it is short and plain; anything else gets a new one. */
const REQUEST_ID = /^[A-Za-z0-9._:-]{1,128}$/;

export function requestIdFrom(header: string | string[] | undefined): string {
  return typeof header === 'string' && REQUEST_ID.test(header) ? header : randomUUID();
}

/** Where a service's logs go beside stdout: the log store (OpenSearch), unless `off`. */
export interface LogStoreSettings {
  LOG_STORE_URL: string;
  LOG_STORE_INDEX: string;
}

/**
 * JSON logs (pino) with the service name and the request id on every line of a request. Unless a
 * stream is given (tests) or the store is `off`, lines go to stdout and to the log store through the
 * same pino-opensearch transport as the data platform's processes (core/log-shipping.ts), in a
 * worker thread: a request never waits on the store.
 */
export function loggerOptions(
  service: string,
  level: string,
  stream?: DestinationStream,
  store?: LogStoreSettings,
): NonNullable<FastifyServerOptions['loggerInstance']> | LoggerOptions | { stream: DestinationStream } {
  const options: LoggerOptions = {
    level,
    base: { service, process: service, pid: process.pid },
    redact: { paths: REDACTED_PATHS, censor: '***' },
  };
  if (stream) return { ...options, stream };
  if (!store || store.LOG_STORE_URL === 'off') return options;
  return {
    ...options,
    transport: {
      targets: [
        { target: 'pino/file', level, options: { destination: 1 } },
        {
          target: 'pino-opensearch',
          level,
          options: {
            node: store.LOG_STORE_URL,
            index: `${store.LOG_STORE_INDEX}-%{DATE}`,
            'es-version': 7,
            'flush-interval': 1000,
            'flush-bytes': 256 * 1024,
          },
        },
      ],
    },
  };
}

/**
 * The Fastify options that give each request its id (from x-request-id when sane, else a new one) and
 * leave its access line to createService's one `request completed`.
 */
export function requestIdOptions(): Pick<FastifyServerOptions, 'genReqId' | 'logController'> {
  return {
    logController: new LogController({ requestIdLogLabel: 'requestId', disableRequestLogging: true }),
    genReqId: (request) => requestIdFrom(request.headers['x-request-id']),
  };
}

/** Headers an outgoing call carries so the callee logs under the same request id. */
export function propagatedHeaders(request: { id: string }): Record<string, string> {
  return { 'x-request-id': request.id };
}
