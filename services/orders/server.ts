import { loadSettings, runServer } from '../shared/index.ts';
import { buildOrders } from './build.ts';
import { ordersSettings } from './settings.ts';

const settings = loadSettings(ordersSettings);
const app = await buildOrders(settings);
await runServer(app, {
  host: settings.HOST,
  port: settings.PORT,
  shutdownTimeoutMs: settings.SHUTDOWN_TIMEOUT_MS,
});
