import { loadSettings, runServer } from '../shared/index.ts';
import { buildCatalog } from './build.ts';
import { catalogSettings } from './settings.ts';

const settings = loadSettings(catalogSettings);
const app = await buildCatalog(settings);
await runServer(app, {
  host: settings.HOST,
  port: settings.PORT,
  shutdownTimeoutMs: settings.SHUTDOWN_TIMEOUT_MS,
});
