import { createAuthAccountClient } from '../kit/auth-account.ts';
import type { AccessTokenOptions } from '../shared/index.ts';
import { createService } from '../shared/index.ts';
import { biApp } from './app.ts';
import { createDigestDispatcher } from './digest-dispatcher.ts';
import { createDigestPublisher, type DigestPublisher } from './digest-publisher.ts';
import { startPoller } from './poller.ts';
import { createSalesRepository } from './sales-repository.ts';
import type { BiSettings } from './settings.ts';
import { createSubscriptionsRepository } from './subscriptions-repository.ts';

export interface BiServiceOverrides {
  accessTokens?: Partial<AccessTokenOptions>;
  /** The clock of subscriptions and the digest poller, default the system's. */
  now?: () => Date;
  publisher?: DigestPublisher;
}

/**
 * The whole service, built (not listening): server.ts listens, tests inject or listen on port 0.
 * `app.digests` is the digest dispatcher; with DIGEST_POLL_MS > 0 the service runs it on that period.
 */
export async function buildBiService(settings: BiSettings, overrides: BiServiceOverrides = {}) {
  const now = overrides.now ?? (() => new Date());
  const sales = createSalesRepository(settings.BI_DWH_URL, settings.QUERY_TIMEOUT_MS);
  const subscriptions = createSubscriptionsRepository(sales.db);
  const app = await createService({
    name: 'bi',
    description:
      'The sales-dynamics page: revenue and orders over time, by region and category, as the warehouse lets each user see them; e-mail digests of saved views',
    settings,
    checkReady: () => sales.ping(),
    ...(overrides.accessTokens ? { accessTokens: overrides.accessTokens } : {}),
  });
  const publisher =
    overrides.publisher ??
    createDigestPublisher({ brokers: settings.KAFKA_BROKERS, topic: settings.BI_DIGEST_TOPIC, log: app.log });
  const digests = createDigestDispatcher({
    db: sales.db,
    sales,
    subscriptions,
    publisher,
    timeZone: settings.BUSINESS_TZ,
    digestHour: settings.DIGEST_HOUR,
    log: app.log,
  });
  const poller = startPoller(
    settings.DIGEST_POLL_MS,
    async () => {
      await digests.dispatchDue(now());
    },
    app.log,
  );
  app.addHook('onClose', async () => {
    await poller.stop();
    await publisher.close();
    await sales.close();
  });
  await app.register(biApp, {
    sales,
    subscriptions,
    auth: createAuthAccountClient(settings.AUTH_URL, { retryAfterSeconds: 5 }),
    settings,
    now,
  });
  return Object.assign(app, { digests });
}
