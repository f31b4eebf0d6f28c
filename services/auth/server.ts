import { loadSettings, runServer } from '../shared/index.ts';
import { buildAuth } from './build.ts';
import { authSettings } from './settings.ts';

const settings = loadSettings(authSettings);
const app = await buildAuth(settings);
await runServer(app, {
  host: settings.HOST,
  port: settings.PORT,
  shutdownTimeoutMs: settings.SHUTDOWN_TIMEOUT_MS,
});
