/**
 * One service of the shared kit for `bench/observability.ts`, in a process of its own: a listing
 * route like catalog's (a page of 20 products, no database, so only the kit's own cost is measured).
 * BENCH_VARIANT: `bare` (no /metrics, logs to stdout only), `metrics` (/metrics, logs to stdout),
 * `full` (/metrics and logs shipped to the log store as well). Prints its port on stdout's first line.
 */
import { createService, serviceSettings } from '../../services/shared/index.ts';

const variant = process.env.BENCH_VARIANT ?? 'full';
const settings = serviceSettings.parse({
  LOG_STORE_URL: variant === 'full' ? (process.env.LOG_STORE_URL ?? 'http://127.0.0.1:9200') : 'off',
  LOG_STORE_INDEX: 'techmarket-logs-bench',
  PRESSURE_MAX_EVENT_LOOP_DELAY_MS: '0',
  PRESSURE_MAX_EVENT_LOOP_UTILIZATION: '0',
});
const app = await createService({
  name: 'catalog',
  description: 'benchmark stand-in',
  settings,
  checkReady: async () => {},
  withoutDocs: true,
  withoutMetrics: variant === 'bare',
});
const page = Array.from({ length: 20 }, (_, i) => ({
  id: i + 1,
  sku: `SKU-${i + 1}`,
  name: `Product ${i + 1}`,
  price: '199.99',
  currency: 'UAH',
}));
app.get('/products', async () => ({ items: page, nextCursor: null }));
await app.listen({ host: '127.0.0.1', port: 0 });
const address = app.server.address();
process.stderr.write(`${typeof address === 'object' && address ? address.port : 0}\n`);
process.once('SIGTERM', () => {
  app.close().then(() => process.exit(0));
});
