import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { badRequest, conflict, errorReply, isDuplicateKey, notFound } from '../../shared/index.ts';
import type { ListingCache } from '../listing-cache.ts';
import type { CategoriesRepository } from '../repositories/categories-repository.ts';
import { categoriesReply, category, categoryBody, categoryPatch, idParams } from '../schemas/catalog.ts';

/** The category tree: public reading, writing for admin and sales_manager. */
export async function categoryRoutes(
  app: FastifyInstance,
  deps: { categories: CategoriesRepository; listings: ListingCache },
): Promise<void> {
  const { categories, listings } = deps;
  const r = app.withTypeProvider<ZodTypeProvider>();
  const writers = app.requireRole('admin', 'sales_manager');
  const writeErrors = { 400: errorReply, 401: errorReply, 403: errorReply, 404: errorReply, 409: errorReply };

  async function checkParent(parentId: number | null | undefined, self?: number) {
    if (parentId === undefined || parentId === null) return;
    if (!(await categories.byId(parentId)))
      throw badRequest(`body.parentId: no category ${parentId}`, 'body.parentId');
    if (self !== undefined && (await categories.isInSubtree(self, parentId))) {
      throw badRequest('body.parentId: a category cannot move below itself', 'body.parentId');
    }
  }

  r.get(
    '/categories',
    {
      schema: {
        tags: ['categories'],
        summary: 'Every category, each with its parent',
        response: { 200: categoriesReply },
      },
    },
    async () => ({ items: await categories.all() }),
  );

  r.post(
    '/categories',
    {
      preHandler: writers,
      schema: {
        tags: ['categories'],
        security: [{ bearer: [] }],
        body: categoryBody,
        response: { 201: category, ...writeErrors },
      },
    },
    async (request, reply) => {
      await checkParent(request.body.parentId);
      try {
        const id = await categories.create({ ...request.body, parentId: request.body.parentId ?? null });
        listings.clear();
        return reply.code(201).send((await categories.byId(id))!);
      } catch (error) {
        if (isDuplicateKey(error)) throw conflict(`body.slug: ${request.body.slug} is taken`, 'body.slug');
        throw error;
      }
    },
  );

  r.patch(
    '/categories/:id',
    {
      preHandler: writers,
      schema: {
        tags: ['categories'],
        security: [{ bearer: [] }],
        params: idParams,
        body: categoryPatch,
        response: { 200: category, ...writeErrors },
      },
    },
    async (request) => {
      const { id } = request.params;
      if (!(await categories.byId(id))) throw notFound(`no category ${id}`);
      await checkParent(request.body.parentId, id);
      try {
        await categories.update(id, request.body);
        listings.clear(); // a move changes which products a category's listing holds
      } catch (error) {
        if (isDuplicateKey(error)) throw conflict(`body.slug: ${request.body.slug} is taken`, 'body.slug');
        throw error;
      }
      return (await categories.byId(id))!;
    },
  );
}
