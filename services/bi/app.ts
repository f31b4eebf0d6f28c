import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import fastifyStatic from '@fastify/static';
import type { FastifyInstance } from 'fastify';
import type { AuthAccountClient } from '../kit/auth-account.ts';
import { salesRoutes } from './routes/sales.ts';
import { subscriptionRoutes } from './routes/subscriptions.ts';
import type { SalesRepository } from './sales-repository.ts';
import type { BiSettings } from './settings.ts';
import type { SubscriptionsRepository } from './subscriptions-repository.ts';

const HERE = dirname(fileURLToPath(import.meta.url));
/** uPlot as npm installed it: served by us, never from a CDN. */
const UPLOT_DIST = join(HERE, '../../node_modules/uplot/dist');

export interface BiAppOptions {
  sales: SalesRepository;
  subscriptions: SubscriptionsRepository;
  auth: AuthAccountClient;
  settings: BiSettings;
  /** The clock new subscriptions start their first period by. */
  now: () => Date;
}

/** The sales-dynamics page: its API under /api and its static page at /. */
export async function biApp(app: FastifyInstance, options: BiAppOptions) {
  await app.register(salesRoutes, {
    prefix: '/api',
    sales: options.sales,
    csvMaxLines: options.settings.CSV_MAX_LINES,
  });
  await app.register(subscriptionRoutes, {
    prefix: '/api',
    sales: options.sales,
    subscriptions: options.subscriptions,
    auth: options.auth,
    timeZone: options.settings.BUSINESS_TZ,
    now: options.now,
  });
  app.get('/config.json', { schema: { hide: true } }, async () => ({
    loginUrl: options.settings.AUTH_LOGIN_URL,
  }));
  await app.register(fastifyStatic, { root: join(HERE, 'public'), prefix: '/', index: ['index.html'] });
  await app.register(fastifyStatic, {
    root: UPLOT_DIST,
    prefix: '/vendor/uplot/',
    decorateReply: false,
    allowedPath: (path) => path === '/uPlot.iife.min.js' || path === '/uPlot.min.css',
  });
}
