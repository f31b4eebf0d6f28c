import { loadSettings, runServer } from '../shared/index.ts';
import { buildPspSimulator } from './build.ts';
import { pspSettings } from './settings.ts';

const settings = loadSettings(pspSettings);
const app = await buildPspSimulator(settings);
await runServer(app, {
  host: settings.HOST,
  port: settings.PORT,
  shutdownTimeoutMs: settings.SHUTDOWN_TIMEOUT_MS,
});
