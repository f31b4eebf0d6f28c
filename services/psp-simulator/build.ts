import type { DestinationStream } from 'pino';
import { createService } from '../shared/index.ts';
import { pspApp } from './app.ts';
import type { PspSettings } from './settings.ts';

/** The PSP simulator, ready to listen: a payment provider for tests and local runs, in memory. */
export async function buildPspSimulator(
  settings: PspSettings,
  options: { logStream?: DestinationStream } = {},
) {
  const app = await createService({
    name: 'psp-simulator',
    description: 'A payment provider for tests: test cards decide declines and timeouts; signed webhooks.',
    settings,
    checkReady: async () => undefined,
    ...(options.logStream ? { logStream: options.logStream } : {}),
  });
  await app.register(pspApp, settings);
  return app;
}
