import { createServer, type Server } from 'node:http';
import { collectDefaultMetrics, Registry } from 'prom-client';

/**
 * The process's one Prometheus registry: every module registers its metrics here, and the process's
 * `/metrics` endpoint serves it. Default process metrics (CPU, memory, event loop) are added once.
 */
export const metricsRegistry = new Registry();
collectDefaultMetrics({ register: metricsRegistry, prefix: 'techmarket_' });

export interface MetricsServer {
  /** The port it listens on (useful when 0 asked for any free one). */
  port: number;
  close(): Promise<void>;
}

/**
 * Serves `GET /metrics` from the registry (the process's own by default); anything else is 404.
 * Listens on loopback by default.
 */
export async function startMetricsServer(
  port: number,
  host = '127.0.0.1',
  registry: Registry = metricsRegistry,
): Promise<MetricsServer> {
  const server: Server = createServer((request, response) => {
    if (request.method !== 'GET' || request.url?.split('?')[0] !== '/metrics') {
      response.writeHead(404).end('not found\n');
      return;
    }
    registry
      .metrics()
      .then((body) => response.writeHead(200, { 'content-type': registry.contentType }).end(body))
      .catch((error: Error) => response.writeHead(500).end(`${error.message}\n`));
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => resolve());
  });
  const address = server.address();
  return {
    port: typeof address === 'object' && address ? address.port : port,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
