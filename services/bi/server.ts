import { loadSettings, runServer } from '../shared/index.ts';
import { buildBiService } from './service.ts';
import { biSettings } from './settings.ts';

const settings = loadSettings(biSettings);
const app = await buildBiService(settings);
await runServer(app, {
  host: settings.HOST,
  port: settings.PORT,
  shutdownTimeoutMs: settings.SHUTDOWN_TIMEOUT_MS,
});
