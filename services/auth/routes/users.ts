import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { errorReply, notFound } from '../../shared/index.ts';
import type { AuthDeps } from '../deps.ts';
import { meReply, rolesBody, statusBody, userIdParams } from '../schemas/account.ts';

/** Administration of accounts: roles and status (admin only). */
export async function userRoutes(app: FastifyInstance, deps: AuthDeps): Promise<void> {
  const r = app.withTypeProvider<ZodTypeProvider>();
  const admin = { preHandler: app.requireRole('admin') };

  async function view(id: string) {
    const user = await deps.users.byId(id);
    if (!user) throw notFound(`no user ${id}`);
    return {
      id: Number(user.id),
      email: user.email,
      fullName: user.fullName,
      status: user.status,
      roles: await deps.users.roles(id),
    };
  }

  r.put(
    '/users/:id/roles',
    {
      ...admin,
      schema: {
        tags: ['users'],
        summary: "Replace a user's roles (takes effect at their next refresh)",
        security: [{ bearer: [] }],
        params: userIdParams,
        body: rolesBody,
        response: { 200: meReply, 400: errorReply, 401: errorReply, 403: errorReply, 404: errorReply },
      },
    },
    async (request) => {
      const id = String(request.params.id);
      await view(id);
      await deps.users.setRoles(id, request.body.roles);
      return view(id);
    },
  );
  r.put(
    '/users/:id/status',
    {
      ...admin,
      schema: {
        tags: ['users'],
        summary: 'Lock, disable or reactivate an account; locking or disabling ends its sessions',
        security: [{ bearer: [] }],
        params: userIdParams,
        body: statusBody,
        response: { 200: meReply, 400: errorReply, 401: errorReply, 403: errorReply, 404: errorReply },
      },
    },
    async (request) => {
      const id = String(request.params.id);
      if (!(await deps.users.setStatus(id, request.body.status))) throw notFound(`no user ${id}`);
      if (request.body.status !== 'active') await deps.refreshTokens.revokeAllOfUser(id);
      return view(id);
    },
  );
}
