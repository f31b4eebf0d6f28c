import type { DestinationStream } from 'pino';
import { createService, openDatabase, pingDatabase } from '../shared/index.ts';
import { paymentsApp } from './app.ts';
import type { PaymentsDatabase } from './database.ts';
import type { PaymentsSettings } from './settings.ts';

/** The payments service, ready to listen: the shared kit, its database, its routes. */
export async function buildPayments(
  settings: PaymentsSettings,
  options: { logStream?: DestinationStream } = {},
) {
  const db = openDatabase<PaymentsDatabase>(settings.PAYMENTS_DB_URL, {
    connectionLimit: 20,
    acquireTimeoutMs: settings.DB_ACQUIRE_TIMEOUT_MS,
  });
  const app = await createService({
    name: 'payments',
    description: 'Authorize, capture and refund through the payment provider; signed PSP webhooks.',
    settings,
    checkReady: () => pingDatabase(db),
    ...(options.logStream ? { logStream: options.logStream } : {}),
  });
  app.addHook('onClose', async () => {
    await db.destroy();
  });
  await app.register(paymentsApp, { db, settings });
  return app;
}
