import type { AccessTokenOptions } from '../shared/index.ts';
import { createService } from '../shared/index.ts';
import { biApp } from './app.ts';
import { createSalesRepository } from './sales-repository.ts';
import type { BiSettings } from './settings.ts';

/** The whole service, built (not listening): server.ts listens, tests inject or listen on port 0. */
export async function buildBiService(
  settings: BiSettings,
  overrides: { accessTokens?: Partial<AccessTokenOptions> } = {},
) {
  const sales = createSalesRepository(settings.BI_DWH_URL);
  const app = await createService({
    name: 'bi',
    description:
      'The sales-dynamics page: revenue and orders over time, by region and category, as the warehouse lets each user see them',
    settings,
    checkReady: () => sales.ping(),
    ...(overrides.accessTokens ? { accessTokens: overrides.accessTokens } : {}),
  });
  app.addHook('onClose', () => sales.close());
  await app.register(biApp, { sales, settings });
  return app;
}
