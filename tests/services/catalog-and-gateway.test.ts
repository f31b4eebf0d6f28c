import { describe, expect } from 'vitest';
import { forgedTokens, validAdminToken } from './forged-tokens.ts';
import { call, readLog, rowsOf, type ServiceWorld, serviceTest, userWithRoles } from './service-fixtures.ts';

type Person = Awaited<ReturnType<typeof userWithRoles>>;

/** A sales manager, who may write to the catalog, and a customer, who may not. */
const test = serviceTest.extend<{ people: { manager: Person; customer: Person } }>({
  people: [
    async ({ world }, use) => {
      await use({
        manager: await userWithRoles(world, 'manager@example.com', ['sales_manager']),
        customer: await userWithRoles(world, 'customer@example.com'),
      });
    },
    { scope: 'file' },
  ],
});

async function makeCategory(
  { world, people }: { world: ServiceWorld; people: { manager: Person } },
  slug: string,
  parentId: number | null = null,
) {
  const created = await call(`${world.gatewayUrl}/api/catalog/categories`, {
    body: { name: slug, slug, parentId },
    token: people.manager.accessToken,
  });
  expect(created.status, JSON.stringify(created.body)).toBe(201);
  return created.body.id as number;
}

/** The catalog's listing cache lookups so far, by result, from its /metrics. */
async function listingLookups(world: ServiceWorld): Promise<{ hit: number; miss: number }> {
  const text = await (await fetch(`${world.catalogUrl}/metrics`)).text();
  const count = (result: string) =>
    Number(
      new RegExp(`^catalog_listing_cache_lookups_total\\{[^}]*result="${result}"[^}]*\\} (\\d+)$`, 'm').exec(
        text,
      )?.[1] ?? 0,
    );
  return { hit: count('hit'), miss: count('miss') };
}

describe('catalog through the gateway', () => {
  test('lets sales managers write, refuses customers (403) and anonymous callers (401)', async ({
    world,
    people,
  }) => {
    const { manager, customer } = people;
    const category = await makeCategory({ world, people }, 'phones');
    const body = { sku: 'PH-1', name: 'Phone one', categoryId: category, price: '9999.00' };
    const anonymous = await call(`${world.gatewayUrl}/api/catalog/products`, { body });
    expect(anonymous.status).toBe(401);
    const byCustomer = await call(`${world.gatewayUrl}/api/catalog/products`, {
      body,
      token: customer.accessToken,
    });
    expect(byCustomer.status).toBe(403);
    const byManager = await call(`${world.gatewayUrl}/api/catalog/products`, {
      body,
      token: manager.accessToken,
    });
    expect(byManager.status).toBe(201);
    expect(byManager.body).toMatchObject({ sku: 'PH-1', price: '9999.00', currency: 'UAH', active: true });
    const rows = await rowsOf<{ sku: string }>(world.catalogDb, 'select sku from products');
    expect(rows.map((r) => r.sku)).toEqual(['PH-1']);
  });

  test('ignores identity headers a client sends', async ({ world, people }) => {
    const { manager, customer } = people;
    const category = await makeCategory({ world, people }, 'sneaky');
    const forged = await call(`${world.gatewayUrl}/api/catalog/products`, {
      body: { sku: 'SNEAK-1', name: 'Sneaky', categoryId: category, price: '1.00' },
      token: customer.accessToken,
      headers: { 'x-user-id': String(manager.id), 'x-user-roles': 'admin', 'x-roles': 'admin' },
    });
    expect(forged.status).toBe(403);
    const anonymous = await call(`${world.gatewayUrl}/api/auth/me`, {
      headers: { 'x-user-id': String(manager.id) },
    });
    expect(anonymous.status).toBe(401);
    expect(await rowsOf(world.catalogDb, "select id from products where sku = 'SNEAK-1'")).toEqual([]);
  });

  test('refuses bad bodies with 400 naming the field, and changes nothing', async ({ world, people }) => {
    const { manager } = people;
    const category = await makeCategory({ world, people }, 'bad-bodies');
    const cases: [Record<string, unknown>, string][] = [
      [{ sku: 'B-1', name: 'x', categoryId: category, price: 'cheap' }, 'body.price'],
      [{ sku: 'B-1', name: 'x', categoryId: category, price: '1.00', colour: 'red' }, 'body.colour'],
      [{ sku: 'B-1', name: 'x', categoryId: 999999, price: '1.00' }, 'body.categoryId'],
      [{ name: 'x', categoryId: category, price: '1.00' }, 'body.sku'],
    ];
    for (const [body, field] of cases) {
      const reply = await call(`${world.gatewayUrl}/api/catalog/products`, {
        body,
        token: manager.accessToken,
      });
      expect(reply.status, JSON.stringify(body)).toBe(400);
      expect(reply.body.details.field).toBe(field);
    }
    const query = await call(`${world.gatewayUrl}/api/catalog/products?limit=1000`);
    expect(query.status).toBe(400);
    expect(query.body.details.field).toBe('querystring.limit');
    expect(await rowsOf(world.catalogDb, "select id from products where sku = 'B-1'")).toEqual([]);
  });

  test('lists with category subtree, price range and text filters, sorted, in keyset pages', async ({
    world,
    people,
  }) => {
    const { manager } = people;
    const root = await makeCategory({ world, people }, 'computers');
    const laptops = await makeCategory({ world, people }, 'laptops', root);
    const other = await makeCategory({ world, people }, 'garden');
    const prices = ['100.00', '250.50', '999.99', '50.00', '1500.00'];
    for (const [i, price] of prices.entries()) {
      await call(`${world.gatewayUrl}/api/catalog/products`, {
        body: { sku: `LT-${i}`, name: `Laptop model ${i}`, categoryId: i % 2 ? laptops : root, price },
        token: manager.accessToken,
      });
    }
    await call(`${world.gatewayUrl}/api/catalog/products`, {
      body: { sku: 'G-1', name: 'Garden laptop stand', categoryId: other, price: '20.00' },
      token: manager.accessToken,
    });
    const seen: string[] = [];
    let cursor: string | null = null;
    let pages = 0;
    do {
      const url = `${world.gatewayUrl}/api/catalog/products?categoryId=${root}&sort=-price&limit=2${cursor ? `&cursor=${cursor}` : ''}`;
      const page = await call(url);
      expect(page.status).toBe(200);
      seen.push(...page.body.items.map((p: { price: string }) => p.price));
      cursor = page.body.nextCursor;
      pages++;
    } while (cursor);
    expect(pages).toBe(3);
    expect(seen).toEqual(['1500.00', '999.99', '250.50', '100.00', '50.00']);
    const ranged = await call(
      `${world.gatewayUrl}/api/catalog/products?minPrice=100&maxPrice=999.99&q=laptop&sort=price`,
    );
    expect(ranged.body.items.map((p: { price: string }) => p.price)).toEqual(['100.00', '250.50', '999.99']);
    const bad = await call(`${world.gatewayUrl}/api/catalog/products?cursor=garbage&sort=price`);
    expect(bad.status).toBe(400);
    expect(bad.body.details.field).toBe('query.cursor');
  });

  test('deactivates a product: it leaves the public listing at once, though the listing is cached, and updated_at moves', async ({
    world,
    people,
  }) => {
    const { manager } = people;
    const category = await makeCategory({ world, people }, 'deactivate');
    const created = await call(`${world.gatewayUrl}/api/catalog/products`, {
      body: { sku: 'D-1', name: 'Soon gone', categoryId: category, price: '5.00' },
      token: manager.accessToken,
    });
    const lookupsBefore = await listingLookups(world);
    // The page is now in the catalog's listing cache (1 s by default): the write below must empty it.
    const before = await call(`${world.gatewayUrl}/api/catalog/products?categoryId=${category}`);
    expect(before.body.items.map((p: { sku: string }) => p.sku)).toEqual(['D-1']);
    const again = await call(`${world.gatewayUrl}/api/catalog/products?categoryId=${category}`);
    expect(again.body).toEqual(before.body);
    const patched = await call(`${world.gatewayUrl}/api/catalog/products/${created.body.id}`, {
      method: 'PATCH',
      body: { active: false, price: '4.50' },
      token: manager.accessToken,
    });
    expect(patched.status).toBe(200);
    expect(patched.body).toMatchObject({ active: false, price: '4.50' });
    expect(patched.body.updatedAt > created.body.updatedAt).toBe(true);
    const listed = await call(`${world.gatewayUrl}/api/catalog/products?categoryId=${category}`);
    expect(listed.body.items).toEqual([]);
    // Built, kept, built again after the write: on the catalog's /metrics.
    const lookupsAfter = await listingLookups(world);
    expect(lookupsAfter.miss - lookupsBefore.miss).toBe(2);
    expect(lookupsAfter.hit - lookupsBefore.hit).toBe(1);
    const lookup = await call(`${world.gatewayUrl}/api/catalog/prices/lookup`, {
      body: { ids: [created.body.id, 987654] },
    });
    expect(lookup.body).toEqual({
      items: [{ id: created.body.id, sku: 'D-1', price: '4.50', currency: 'UAH', active: false }],
      missing: [987654],
    });
  });
});

describe('access tokens', () => {
  test('are refused by the gateway and by a service reached directly when forged, expired or misaddressed', async ({
    world,
    people,
  }) => {
    const { manager } = people;
    const tokens = await forgedTokens(world.authDb, manager.id);
    const valid = await validAdminToken(world.authDb, manager.id);
    const target = (base: string, prefix: string) => `${base}${prefix}/products?includeInactive=true`;
    expect((await call(target(world.gatewayUrl, '/api/catalog'), { token: valid })).status).toBe(200);
    expect((await call(target(world.catalogUrl, ''), { token: valid })).status).toBe(200);
    for (const [name, token] of Object.entries(tokens)) {
      for (const [where, url] of [
        ['gateway', target(world.gatewayUrl, '/api/catalog')],
        ['catalog', target(world.catalogUrl, '')],
        ['auth', `${world.authUrl}/me`],
      ]) {
        const reply = await call(url!, { token });
        expect(reply.status, `${name} at ${where}`).toBe(401);
        expect(reply.body.error, `${name} at ${where}`).toBe('unauthorized');
      }
    }
  });
});

describe('the gateway', () => {
  test('never exposes the services’ metrics or docs, however the path is spelled', async ({ world }) => {
    for (const path of [
      '/api/catalog/metrics',
      '/api/auth/metrics',
      '/api/catalog/docs',
      '/api/catalog/docs/json',
      '/api/catalog/%6Detrics',
      '/api/catalog//metrics',
      '/api/catalog/METRICS',
      '/api/catalog/x/../metrics',
    ]) {
      const reply = await call(`${world.gatewayUrl}${path}`);
      expect([400, 404], path).toContain(reply.status);
      expect(JSON.stringify(reply.body), path).not.toContain('http_request_duration_seconds');
      expect(JSON.stringify(reply.body), path).not.toContain('openapi');
    }
    expect((await call(`${world.catalogUrl}/metrics`)).status).toBe(200);
  });

  test('carries the request id to the service and back, and logs under it', async ({ world }) => {
    const reply = await call(`${world.gatewayUrl}/api/catalog/categories`, {
      headers: { 'x-request-id': 'trace-me-42' },
    });
    expect(reply.status).toBe(200);
    expect(reply.headers.get('x-request-id')).toBe('trace-me-42');
    const lines = readLog(world)
      .split('\n')
      .filter((l) => l.includes('trace-me-42'))
      .map((l) => JSON.parse(l) as { service: string });
    expect(new Set(lines.map((l) => l.service))).toEqual(new Set(['gateway', 'catalog']));
  });
});
