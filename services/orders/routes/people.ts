import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { badRequest, conflict, errorReply, isDuplicateKey, listReply, notFound } from '../../shared/index.ts';
import type { PeopleRepository } from '../repositories/people-repository.ts';
import {
  customer,
  customerBody,
  employee,
  employeeBody,
  idParams,
  listQuery,
  managerBody,
  region,
  regionBody,
} from '../schemas/orders.ts';
import type { Upstreams } from '../upstreams.ts';

/** Regions, sales managers and customers: who buys, where, and who looks after them. */
export async function peopleRoutes(
  app: FastifyInstance,
  deps: { people: PeopleRepository; upstreams: Upstreams },
): Promise<void> {
  const { people, upstreams } = deps;
  const r = app.withTypeProvider<ZodTypeProvider>();
  const staff = app.requireRole('admin', 'sales_manager');
  const errors = { 400: errorReply, 401: errorReply, 403: errorReply, 404: errorReply, 409: errorReply };

  async function regionId(code: string): Promise<number> {
    const found = await people.regionByCode(code);
    if (!found) throw badRequest(`body.regionCode: no region ${code}`, 'body.regionCode');
    return Number(found.id);
  }

  r.get('/regions', { schema: { tags: ['people'], response: { 200: listReply(region) } } }, async () => ({
    items: await people.regions(),
    nextCursor: null,
  }));

  r.post(
    '/regions',
    {
      preHandler: app.requireRole('admin'),
      schema: {
        tags: ['people'],
        security: [{ bearer: [] }],
        body: regionBody,
        response: { 201: region, ...errors },
      },
    },
    async (request, reply) => {
      try {
        const id = await people.createRegion(request.body.code, request.body.name);
        return reply.code(201).send({ id, ...request.body });
      } catch (error) {
        if (isDuplicateKey(error))
          throw conflict(`body.code: region ${request.body.code} exists`, 'body.code');
        throw error;
      }
    },
  );

  r.post(
    '/employees/me',
    {
      preHandler: app.requireRole('sales_manager'),
      schema: {
        tags: ['people'],
        summary: "The calling sales manager's profile: the region they work",
        security: [{ bearer: [] }],
        body: employeeBody,
        response: { 201: employee, ...errors },
      },
    },
    async (request, reply) => {
      const region = await regionId(request.body.regionCode);
      const me = await upstreams.me(request.headers.authorization!, request.id);
      try {
        const id = await people.createEmployee({
          userId: request.principal!.userId,
          fullName: request.body.fullName,
          email: me.email,
          regionId: region,
        });
        return reply.code(201).send((await people.employeeById(id))!);
      } catch (error) {
        if (isDuplicateKey(error)) throw conflict('this account already has a manager profile');
        throw error;
      }
    },
  );

  r.get(
    '/employees',
    {
      preHandler: staff,
      schema: {
        tags: ['people'],
        security: [{ bearer: [] }],
        response: { 200: listReply(employee), ...errors },
      },
    },
    async () => ({ items: await people.employees(), nextCursor: null }),
  );

  r.post(
    '/customers/me',
    {
      preHandler: app.authenticate,
      schema: {
        tags: ['people'],
        summary: "The caller's customer profile (one per account); a manager of the region is assigned",
        security: [{ bearer: [] }],
        body: customerBody,
        response: { 201: customer, ...errors },
      },
    },
    async (request, reply) => {
      const region = await regionId(request.body.regionCode);
      const me = await upstreams.me(request.headers.authorization!, request.id);
      try {
        const id = await people.createCustomer({
          userId: request.principal!.userId,
          email: me.email,
          fullName: request.body.fullName,
          phone: request.body.phone ?? null,
          city: request.body.city ?? null,
          regionId: region,
          managerId: await people.leastBusyManager(region),
        });
        return reply.code(201).send((await people.customerById(id))!);
      } catch (error) {
        if (isDuplicateKey(error)) throw conflict('this account already has a customer profile');
        throw error;
      }
    },
  );

  r.get(
    '/customers/me',
    {
      preHandler: app.authenticate,
      schema: { tags: ['people'], security: [{ bearer: [] }], response: { 200: customer, ...errors } },
    },
    async (request) => {
      const found = await people.customerByUser(request.principal!.userId);
      if (!found) throw notFound('no customer profile yet: POST /customers/me');
      return found;
    },
  );

  r.get(
    '/customers',
    {
      preHandler: staff,
      schema: {
        tags: ['people'],
        summary: "A sales manager's customers (admin: everyone's), newest first",
        security: [{ bearer: [] }],
        querystring: listQuery,
        response: { 200: listReply(customer), ...errors },
      },
    },
    async (request) => {
      const admin = request.principal!.roles.includes('admin');
      const manager = admin ? undefined : await people.employeeByUser(request.principal!.userId);
      if (!admin && !manager) return { items: [], nextCursor: null };
      const { limit, cursor } = request.query;
      const rows = await people.customers({
        ...(manager ? { managerId: manager.id } : {}),
        limit: limit + 1,
        ...(cursor ? { before: Number(cursor) } : {}),
      });
      const page = rows.slice(0, limit);
      return { items: page, nextCursor: rows.length > limit ? String(page.at(-1)!.id) : null };
    },
  );

  r.put(
    '/customers/:id/manager',
    {
      preHandler: staff,
      schema: {
        tags: ['people'],
        summary: 'Assign a customer to another sales manager',
        security: [{ bearer: [] }],
        params: idParams,
        body: managerBody,
        response: { 200: customer, ...errors },
      },
    },
    async (request) => {
      const target = await people.customerById(request.params.id);
      if (!target) throw notFound(`no customer ${request.params.id}`);
      const admin = request.principal!.roles.includes('admin');
      if (!admin) {
        // A manager hands over their own customers (or takes unassigned ones), not a colleague's.
        const me = await people.employeeByUser(request.principal!.userId);
        if (!me || (target.managerId !== null && target.managerId !== me.id)) {
          throw notFound(`no customer ${request.params.id}`);
        }
      }
      const manager = await people.employeeById(request.body.managerId);
      if (!manager?.active)
        throw badRequest(`body.managerId: no active manager ${request.body.managerId}`, 'body.managerId');
      await people.assignManager(target.id, manager.id);
      return (await people.customerById(target.id))!;
    },
  );
}
