import { loadSettings, runServer } from '../shared/index.ts';
import { buildGateway } from './build.ts';
import { gatewaySettings } from './settings.ts';

const settings = loadSettings(gatewaySettings);
const app = await buildGateway(settings);
await runServer(app, {
  host: settings.HOST,
  port: settings.PORT,
  shutdownTimeoutMs: settings.SHUTDOWN_TIMEOUT_MS,
});
