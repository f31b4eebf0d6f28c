import { loadSettings, runServer } from '../shared/index.ts';
import { buildPayments } from './build.ts';
import { paymentsSettings } from './settings.ts';

const settings = loadSettings(paymentsSettings);
const app = await buildPayments(settings);
await runServer(app, {
  host: settings.HOST,
  port: settings.PORT,
  shutdownTimeoutMs: settings.SHUTDOWN_TIMEOUT_MS,
});
