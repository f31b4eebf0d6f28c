import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { badRequest, conflict, errorReply, isDuplicateKey, notFound } from '../../shared/index.ts';
import { decodeCursor, encodeCursor } from '../cursor.ts';
import type { ListingCache } from '../listing-cache.ts';
import type { CategoriesRepository } from '../repositories/categories-repository.ts';
import { type ProductsRepository, sortValue } from '../repositories/products-repository.ts';
import {
  idParams,
  type ProductQuery,
  type ProductsReply,
  priceLookupBody,
  priceLookupReply,
  product,
  productBody,
  productPatch,
  productQuery,
  productsReply,
} from '../schemas/catalog.ts';

/** Products: a public listing and lookups, writes for admin and sales_manager. */
export async function productRoutes(
  app: FastifyInstance,
  deps: {
    products: ProductsRepository;
    categories: CategoriesRepository;
    listings: ListingCache;
  },
): Promise<void> {
  const { products, categories, listings } = deps;
  const r = app.withTypeProvider<ZodTypeProvider>();
  const writers = app.requireRole('admin', 'sales_manager');
  const writeErrors = { 400: errorReply, 401: errorReply, 403: errorReply, 404: errorReply, 409: errorReply };

  async function checkCategory(categoryId: number | undefined) {
    if (categoryId !== undefined && !(await categories.byId(categoryId))) {
      throw badRequest(`body.categoryId: no category ${categoryId}`, 'body.categoryId');
    }
  }

  r.get(
    '/products',
    {
      schema: {
        tags: ['products'],
        summary: 'Active products, filtered (category subtree, price range, words), sorted, a page at a time',
        querystring: productQuery,
        response: { 200: productsReply, 400: errorReply, 401: errorReply, 403: errorReply },
      },
    },
    async (request, reply) => {
      const query = request.query;
      if (query.includeInactive) {
        await app.requireRole('admin', 'sales_manager')(request, undefined as never);
      } else if (request.headers.authorization) {
        await app.authenticate(request, undefined as never);
      }
      if (query.minPrice && query.maxPrice && Number(query.minPrice) > Number(query.maxPrice)) {
        throw badRequest('query.minPrice: is above query.maxPrice', 'query.minPrice');
      }
      // Inactive products are for the catalog's writers, who must see their own changes at once.
      if (query.includeInactive) return listPage(query);
      // Cached as the reply's JSON, checked against its schema once when built: a hit is sent as is,
      // without the schema check and serialisation every reply otherwise gets.
      const json = await listings.page(JSON.stringify(query), async () =>
        JSON.stringify(productsReply.encode(await listPage(query))),
      );
      return reply.type('application/json; charset=utf-8').send(json as unknown as ProductsReply);
    },
  );

  async function listPage(query: ProductQuery): Promise<ProductsReply> {
    const categoryIds =
      query.categoryId === undefined ? undefined : await categories.subtreeIds(query.categoryId);
    if (categoryIds?.length === 0) return { items: [], nextCursor: null };
    const rows = await products.list({
      ...(categoryIds ? { categoryIds } : {}),
      ...(query.minPrice ? { minPrice: query.minPrice } : {}),
      ...(query.maxPrice ? { maxPrice: query.maxPrice } : {}),
      ...(query.q ? { q: query.q } : {}),
      includeInactive: query.includeInactive,
      sort: query.sort,
      limit: query.limit + 1,
      ...(query.cursor ? { after: decodeCursor(query.cursor, query.sort) } : {}),
    });
    const page = rows.slice(0, query.limit);
    const last = page.at(-1);
    return {
      items: page,
      nextCursor:
        rows.length > query.limit && last
          ? encodeCursor(query.sort, sortValue(last, query.sort), last.id)
          : null,
    };
  }

  r.get(
    '/products/:id',
    {
      schema: {
        tags: ['products'],
        params: idParams,
        response: { 200: product, 400: errorReply, 404: errorReply },
      },
    },
    async (request) => {
      const row = await products.byId(request.params.id);
      if (!row) throw notFound(`no product ${request.params.id}`);
      return row;
    },
  );

  r.post(
    '/prices/lookup',
    {
      schema: {
        tags: ['products'],
        summary: "Current prices of many products at once (the orders service's price check)",
        body: priceLookupBody,
        response: { 200: priceLookupReply, 400: errorReply },
      },
    },
    async (request) => {
      const ids = [...new Set(request.body.ids)];
      const rows = await products.byIds(ids);
      const found = new Set(rows.map((p) => p.id));
      return {
        items: rows.map(({ id, sku, price, currency, active }) => ({ id, sku, price, currency, active })),
        missing: ids.filter((id) => !found.has(id)),
      };
    },
  );

  r.post(
    '/products',
    {
      preHandler: writers,
      schema: {
        tags: ['products'],
        security: [{ bearer: [] }],
        body: productBody,
        response: { 201: product, ...writeErrors },
      },
    },
    async (request, reply) => {
      const body = request.body;
      await checkCategory(body.categoryId);
      try {
        const id = await products.create({
          sku: body.sku,
          name: body.name,
          description: body.description ?? null,
          categoryId: body.categoryId,
          price: body.price,
          currency: body.currency ?? 'UAH',
          active: body.active ?? true,
        });
        listings.clear();
        return reply.code(201).send((await products.byId(id))!);
      } catch (error) {
        if (isDuplicateKey(error)) throw conflict(`body.sku: ${body.sku} is taken`, 'body.sku');
        throw error;
      }
    },
  );

  r.patch(
    '/products/:id',
    {
      preHandler: writers,
      schema: {
        tags: ['products'],
        summary: 'Change a product; `active: false` deactivates it (it leaves the public listing)',
        security: [{ bearer: [] }],
        params: idParams,
        body: productPatch,
        response: { 200: product, ...writeErrors },
      },
    },
    async (request) => {
      const { id } = request.params;
      if (!(await products.byId(id))) throw notFound(`no product ${id}`);
      await checkCategory(request.body.categoryId);
      await products.update(id, request.body);
      listings.clear();
      return (await products.byId(id))!;
    },
  );
}
