import { loadSettings, runServer } from '../shared/index.ts';
import { buildNotifications } from './build.ts';
import { notificationsSettings } from './settings.ts';

const settings = loadSettings(notificationsSettings);
const app = await buildNotifications(settings);
await runServer(app, {
  host: settings.HOST,
  port: settings.PORT,
  shutdownTimeoutMs: settings.SHUTDOWN_TIMEOUT_MS,
});
