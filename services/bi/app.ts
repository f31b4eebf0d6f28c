import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import fastifyStatic from '@fastify/static';
import type { FastifyInstance } from 'fastify';
import { salesRoutes } from './routes/sales.ts';
import type { SalesRepository } from './sales-repository.ts';
import type { BiSettings } from './settings.ts';

const HERE = dirname(fileURLToPath(import.meta.url));
/** uPlot as npm installed it: served by us, never from a CDN. */
const UPLOT_DIST = join(HERE, '../../node_modules/uplot/dist');

/** The sales-dynamics page: its API under /api and its static page at /. */
export async function biApp(app: FastifyInstance, options: { sales: SalesRepository; settings: BiSettings }) {
  await app.register(salesRoutes, {
    prefix: '/api',
    sales: options.sales,
    csvMaxLines: options.settings.CSV_MAX_LINES,
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
