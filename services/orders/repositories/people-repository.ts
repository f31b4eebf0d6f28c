import type { Kysely } from 'kysely';
import type { OrdersDatabase } from '../database.ts';

const num = (v: string | null) => (v === null ? null : Number(v));

export function createPeopleRepository(db: Kysely<OrdersDatabase>) {
  const customerColumns = [
    'id',
    'user_id',
    'email',
    'full_name',
    'phone',
    'city',
    'region_id',
    'manager_id',
  ] as const;
  const toCustomer = (r: {
    id: string;
    user_id: string | null;
    email: string;
    full_name: string;
    phone: string | null;
    city: string | null;
    region_id: string;
    manager_id: string | null;
  }) => ({
    id: Number(r.id),
    userId: num(r.user_id),
    email: r.email,
    fullName: r.full_name,
    phone: r.phone,
    city: r.city,
    regionId: Number(r.region_id),
    managerId: num(r.manager_id),
  });
  const employeeColumns = ['id', 'user_id', 'full_name', 'email', 'region_id', 'active'] as const;
  const toEmployee = (r: {
    id: string;
    user_id: string | null;
    full_name: string;
    email: string;
    region_id: string;
    active: number;
  }) => ({
    id: Number(r.id),
    userId: num(r.user_id),
    fullName: r.full_name,
    email: r.email,
    regionId: Number(r.region_id),
    active: Boolean(Number(r.active)),
  });

  return {
    async regions() {
      const rows = await db.selectFrom('regions').select(['id', 'code', 'name']).orderBy('id').execute();
      return rows.map((r) => ({ id: Number(r.id), code: r.code, name: r.name }));
    },
    async regionByCode(code: string) {
      return db.selectFrom('regions').select(['id']).where('code', '=', code).executeTakeFirst();
    },
    async createRegion(code: string, name: string): Promise<number> {
      const result = await db.insertInto('regions').values({ code, name }).executeTakeFirstOrThrow();
      return Number(result.insertId);
    },
    async employeeByUser(userId: number) {
      const row = await db
        .selectFrom('employees')
        .select(employeeColumns)
        .where('user_id', '=', String(userId))
        .executeTakeFirst();
      return row ? toEmployee(row) : undefined;
    },
    async employeeById(id: number) {
      const row = await db
        .selectFrom('employees')
        .select(employeeColumns)
        .where('id', '=', String(id))
        .executeTakeFirst();
      return row ? toEmployee(row) : undefined;
    },
    async employees() {
      return (await db.selectFrom('employees').select(employeeColumns).orderBy('id').execute()).map(
        toEmployee,
      );
    },
    async createEmployee(e: { userId: number; fullName: string; email: string; regionId: number }) {
      const result = await db
        .insertInto('employees')
        .values({
          user_id: String(e.userId),
          full_name: e.fullName,
          email: e.email,
          region_id: String(e.regionId),
        })
        .executeTakeFirstOrThrow();
      return Number(result.insertId);
    },
    /** The active manager of a region with the fewest customers: new customers are spread evenly. */
    async leastBusyManager(regionId: number): Promise<number | null> {
      const row = await db
        .selectFrom('employees as e')
        .leftJoin('customers as c', 'c.manager_id', 'e.id')
        .select(['e.id'])
        .select((eb) => eb.fn.count('c.id').as('customers'))
        .where('e.region_id', '=', String(regionId))
        .where('e.active', '=', 1)
        .groupBy('e.id')
        .orderBy('customers')
        .orderBy('e.id')
        .executeTakeFirst();
      return row ? Number(row.id) : null;
    },
    async customerByUser(userId: number) {
      const row = await db
        .selectFrom('customers')
        .select(customerColumns)
        .where('user_id', '=', String(userId))
        .executeTakeFirst();
      return row ? toCustomer(row) : undefined;
    },
    async customerById(id: number) {
      const row = await db
        .selectFrom('customers')
        .select(customerColumns)
        .where('id', '=', String(id))
        .executeTakeFirst();
      return row ? toCustomer(row) : undefined;
    },
    /** A page of customers, newest first; only one manager's when `managerId` is given. */
    async customers(filter: { managerId?: number; limit: number; before?: number }) {
      let query = db.selectFrom('customers').select(customerColumns);
      if (filter.managerId !== undefined) query = query.where('manager_id', '=', String(filter.managerId));
      if (filter.before !== undefined) query = query.where('id', '<', String(filter.before));
      return (await query.orderBy('id', 'desc').limit(filter.limit).execute()).map(toCustomer);
    },
    async createCustomer(c: {
      userId: number;
      email: string;
      fullName: string;
      phone: string | null;
      city: string | null;
      regionId: number;
      managerId: number | null;
    }) {
      const result = await db
        .insertInto('customers')
        .values({
          user_id: String(c.userId),
          email: c.email,
          full_name: c.fullName,
          phone: c.phone,
          city: c.city,
          region_id: String(c.regionId),
          manager_id: c.managerId === null ? null : String(c.managerId),
        })
        .executeTakeFirstOrThrow();
      return Number(result.insertId);
    },
    async assignManager(customerId: number, managerId: number) {
      await db
        .updateTable('customers')
        .set({ manager_id: String(managerId) })
        .where('id', '=', String(customerId))
        .execute();
    },
  };
}
export type PeopleRepository = ReturnType<typeof createPeopleRepository>;
