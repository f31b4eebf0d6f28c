import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { driveTraffic } from '../../demo/traffic/drive.ts';
import { createPipelineDeps, type PipelineDeps, runPipeline } from '../../pipeline/index.ts';
import { ensureParts } from '../infra/ensure-parts.ts';
import { TEST_TABLES } from '../support/warehouse-checks.ts';
import { type PrivateNginx, startPrivateNginx } from './private-nginx.ts';
import { rowsOf } from './service-fixtures.ts';
import { type ShopWorld, startShopWorld, stockTheShop } from './shop-fixtures.ts';

let world: ShopWorld & { closeShop(): Promise<void> };
let shop: Awaited<ReturnType<typeof stockTheShop>>;
let deps: PipelineDeps;
let nginx: PrivateNginx;
beforeAll(async () => {
  await ensureParts('nginx');
  world = await startShopWorld();
  shop = await stockTheShop(world, 'traffic');
  nginx = await startPrivateNginx(world.shopUrl, mkdtempSync(join(tmpdir(), 'techmarket-nginx-')));
  deps = createPipelineDeps(world.scratch.config);
}, 120_000);
afterAll(async () => {
  await deps?.close();
  await nginx?.stop();
  await world?.closeShop();
});

/** Requests nginx has logged so far: the traffic must all have come through it. */
function nginxRequests(): number {
  return readFileSync(nginx.accessLog, 'utf8').split('\n').filter(Boolean).length;
}

/** yyyymmdd of an instant in the business time zone, as the date dimension keys days. */
function localDateKey(instant: Date, timeZone: string): number {
  const parts = new Intl.DateTimeFormat('en-CA', {
    timeZone,
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
  })
    .format(instant)
    .replaceAll('-', '');
  return Number(parts);
}

describe('traffic through nginx (TLS) and the gateway, then the pipeline', () => {
  it('every paid order placed by the traffic driver is in fact_sales with its net amount, date, customer version and manager', async () => {
    const requestsBefore = nginxRequests();
    const result = await driveTraffic({
      // As users come: TLS to nginx, trusting only its certificate (nothing process-wide).
      baseUrl: `https://127.0.0.1:${nginx.httpsPort}`,
      ca: nginx.certificate,
      customers: 5,
      minutes: 1,
      admin: { email: 'admin-traffic@example.com', password: shop.admin.password },
    });
    expect(result, JSON.stringify(result)).toMatchObject({
      journeys: 5,
      errors: 0,
      declined: 1,
      discounted: 2,
      reassigned: 1,
      partiallyRefunded: 1,
    });
    expect(result.paidOrders).toHaveLength(4);
    expect(nginxRequests() - requestsBefore).toBe(result.requests);

    await runPipeline(deps, { tables: TEST_TABLES, kind: 'incremental', trigger: 'test' });

    const timeZone = world.scratch.config.BUSINESS_TZ;
    for (const orderId of result.paidOrders) {
      const [order] = await rowsOf<{
        customer_id: string;
        employee_id: string;
        total_amount: string;
        created_at: string;
      }>(
        world.ordersDb,
        "select customer_id, employee_id, total_amount, date_format(created_at, '%Y-%m-%dT%H:%i:%s.%fZ') as created_at from orders where id = ? and status = 'paid'",
        [orderId],
      );
      expect(order, `order ${orderId} paid in the source`).toBeDefined();
      expect(Number(order!.employee_id)).toBe(shop.managerEmployeeId);
      const facts = await deps.warehouse.query(
        `select sum(f.net_amount)::text as net, array_agg(distinct f.order_date_key) as date_keys,
                array_agg(distinct c.customer_id) as customers, bool_and(c.valid_from <= f.order_created_at and f.order_created_at < c.valid_to) as customer_version_valid,
                array_agg(distinct e.employee_id) as managers, bool_and(f.is_revenue) as revenue
           from dwh.fact_sales f
           join dwh.dim_customer c on c.customer_key = f.customer_key
           join dwh.dim_employee e on e.employee_key = f.employee_key
          where f.order_id = $1`,
        [orderId],
      );
      expect(facts.rows[0]).toEqual({
        net: order!.total_amount,
        date_keys: [localDateKey(new Date(order!.created_at), timeZone)],
        customers: [String(order!.customer_id)],
        customer_version_valid: true,
        managers: [String(shop.managerEmployeeId)],
        revenue: true,
      });
    }
  }, 180_000);
});
