import type { FastifyInstance } from 'fastify';
import type { Kysely } from 'kysely';
import type { PaymentsDatabase } from './database.ts';
import { createPspAdapter } from './psp-adapter.ts';
import { paymentRoutes } from './routes/payments.ts';
import { webhookRoutes } from './routes/webhooks.ts';
import type { PaymentsSettings } from './settings.ts';

/** The payments app as a plugin (fastify/demo): its routes on top of the shared kit. */
export async function paymentsApp(
  app: FastifyInstance,
  options: { db: Kysely<PaymentsDatabase>; settings: PaymentsSettings },
): Promise<void> {
  const { db, settings } = options;
  const psp = createPspAdapter({ url: settings.PSP_URL, timeoutMs: settings.PSP_TIMEOUT_MS });
  await paymentRoutes(app, { db, psp, serviceKey: settings.PAYMENTS_SERVICE_KEY });
  // Its own scope: the raw-body JSON parser must not reach the other routes.
  await app.register(async (scope) =>
    webhookRoutes(scope, {
      db,
      secret: settings.PSP_WEBHOOK_SECRET,
      toleranceSeconds: settings.WEBHOOK_TOLERANCE_SECONDS,
    }),
  );
}
