import type { FastifyRequest } from 'fastify';
import type { PeopleRepository } from './repositories/people-repository.ts';

/** Who is asking, as orders sees it: admin, a customer profile, a manager profile (or several). */
export interface Viewer {
  userId: number;
  admin: boolean;
  customerId: number | undefined;
  employeeId: number | undefined;
}

export async function viewerOf(request: FastifyRequest, people: PeopleRepository): Promise<Viewer> {
  const principal = request.principal!;
  const isStaff = principal.roles.includes('sales_manager') || principal.roles.includes('admin');
  const [customer, employee] = await Promise.all([
    people.customerByUser(principal.userId),
    isStaff ? people.employeeByUser(principal.userId) : undefined,
  ]);
  return {
    userId: principal.userId,
    admin: principal.roles.includes('admin'),
    customerId: customer?.id,
    employeeId: employee?.id,
  };
}

/** A customer sees their own orders, a manager those of the customers assigned to them, admin all. */
export function canSee(viewer: Viewer, owner: { customerId: number; managerOfCustomer: number | null }) {
  return (
    viewer.admin ||
    (viewer.customerId !== undefined && viewer.customerId === owner.customerId) ||
    (viewer.employeeId !== undefined && viewer.employeeId === owner.managerOfCustomer)
  );
}
