import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createPipelineDeps, type PipelineDeps, runPipeline } from '../../pipeline/index.ts';
import { TEST_TABLES } from '../support/warehouse-checks.ts';
import { call, type ServiceWorld, startServiceWorld, userWithRoles } from './service-fixtures.ts';

let world: ServiceWorld;
let deps: PipelineDeps;
beforeAll(async () => {
  world = await startServiceWorld();
  deps = createPipelineDeps(world.scratch.config);
});
afterAll(async () => {
  await deps?.close();
  await world?.close();
});

const run = () => runPipeline(deps, { tables: TEST_TABLES, kind: 'incremental', trigger: 'test' });

describe('the catalog API and the warehouse', () => {
  it('products and categories written through the API reach dim_category and dim_product', async () => {
    const admin = await userWithRoles(world, 'dwh-admin@example.com', ['admin']);
    const write = async (path: string, body: unknown, method = 'POST') => {
      const reply = await call(`${world.gatewayUrl}/api/catalog${path}`, {
        body,
        method,
        token: admin.accessToken,
      });
      expect(reply.status, JSON.stringify(reply.body)).toBeLessThan(300);
      return reply.body as { id: number };
    };
    const top = await write('/categories', { name: 'Audio', slug: 'audio' });
    const child = await write('/categories', { name: 'Headphones', slug: 'headphones', parentId: top.id });
    const product = await write('/products', {
      sku: 'HP-100',
      name: 'Quiet headphones',
      categoryId: child.id,
      price: '3499.00',
    });
    await run();
    const category = await deps.warehouse.query(
      'select category_name, category_path, depth from dwh.dim_category where category_id = $1',
      [child.id],
    );
    expect(category.rows).toEqual([
      { category_name: 'Headphones', category_path: 'Audio > Headphones', depth: 2 },
    ]);
    const first = await deps.warehouse.query(
      'select sku, product_name, list_price, is_active, is_current from dwh.dim_product where product_id = $1',
      [product.id],
    );
    expect(first.rows).toEqual([
      {
        sku: 'HP-100',
        product_name: 'Quiet headphones',
        list_price: '3499.00',
        is_active: true,
        is_current: true,
      },
    ]);

    // A price change and a rename through the API: a new product version, the category renamed in place.
    await write(`/products/${product.id}`, { price: '2999.00', active: false }, 'PATCH');
    await write(`/categories/${child.id}`, { name: 'Headsets' }, 'PATCH');
    await run();
    const versions = await deps.warehouse.query(
      'select list_price, is_active, is_current from dwh.dim_product where product_id = $1 order by version',
      [product.id],
    );
    expect(versions.rows).toEqual([
      { list_price: '3499.00', is_active: true, is_current: false },
      { list_price: '2999.00', is_active: false, is_current: true },
    ]);
    const renamed = await deps.warehouse.query(
      'select category_path from dwh.dim_category where category_id = $1',
      [child.id],
    );
    expect(renamed.rows).toEqual([{ category_path: 'Audio > Headsets' }]);
  });
});
