import type { FastifyInstance } from 'fastify';

/**
 * Listens, and on SIGTERM/SIGINT stops taking connections, lets requests in flight finish (up to the
 * timeout), closes the app's resources (onClose hooks: database pools) and exits.
 */
export async function runServer(
  app: FastifyInstance,
  options: { host: string; port: number; shutdownTimeoutMs: number },
): Promise<void> {
  let closing = false;
  const shutdown = (signal: string) => {
    if (closing) return;
    closing = true;
    app.log.info({ signal }, 'shutting down: finishing requests in flight');
    const timer = setTimeout(() => {
      app.log.error('requests still in flight at the shutdown timeout: exiting anyway');
      process.exit(1);
    }, options.shutdownTimeoutMs);
    timer.unref();
    app.close().then(
      () => process.exit(0),
      (error: unknown) => {
        app.log.error({ err: error }, 'shutdown failed');
        process.exit(1);
      },
    );
  };
  process.once('SIGTERM', () => shutdown('SIGTERM'));
  process.once('SIGINT', () => shutdown('SIGINT'));
  try {
    await app.listen({ host: options.host, port: options.port });
  } catch (error) {
    app.log.fatal({ err: error }, 'cannot listen');
    process.exit(1);
  }
}
