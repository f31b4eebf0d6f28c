import { customerEmail, customerName, phoneNumber } from '../generate/person-names.ts';
import { REGIONS } from '../reference/regions.ts';
import { type DayContext, execute, randomIds, selectRows } from './day-context.ts';

/** Regions with their active sales managers, as the orders database has them today. */
export interface Territory {
  regionId: number;
  weight: number;
  cities: readonly string[];
  managers: number[];
}

export async function loadTerritories(ctx: DayContext): Promise<Territory[]> {
  const regions = await selectRows<{ id: string; code: string }>(
    ctx.db.orders,
    'select id, code from regions order by id',
  );
  const managers = await selectRows<{ id: string; region_id: string }>(
    ctx.db.orders,
    `select id, region_id from employees where active = 1 and position = 'sales_manager' order by id`,
  );
  return regions
    .map((region) => {
      const reference = REGIONS.find((r) => r.code === region.code);
      return {
        regionId: Number(region.id),
        weight: reference?.weight ?? 1,
        cities: reference?.cities ?? [],
        managers: managers.filter((m) => m.region_id === region.id).map((m) => Number(m.id)),
      };
    })
    .filter((territory) => territory.managers.length > 0);
}

/** New sign-ups: a region, a city of it and one of its managers, as the orders service assigns them. */
export async function createCustomers(ctx: DayContext, territories: readonly Territory[]): Promise<void> {
  const { random, volumes } = ctx;
  const weighted = territories.map((t) => [t, t.weight] as const);
  for (let i = 0; i < volumes.newCustomers; i++) {
    const territory = random.weighted(weighted);
    const name = customerName(random);
    // The id is not known before the insert; a random tag keeps the address unique instead.
    const email = customerEmail(random, name, `x${random.hex(10)}`);
    const result = await execute(
      ctx.db.orders,
      'insert into customers (email, full_name, phone, city, region_id, manager_id) values (?, ?, ?, ?, ?, ?)',
      [
        email,
        name.fullName,
        phoneNumber(random),
        territory.cities.length > 0 ? random.pick(territory.cities) : null,
        territory.regionId,
        random.pick(territory.managers),
      ],
    );
    ctx.counts.customers_created += result.affectedRows;
  }
}

/**
 * Existing customers move to another region (and get one of its managers) or are handed to another
 * manager of their region. Each customer changes at most once a day.
 */
export async function moveCustomers(ctx: DayContext, territories: readonly Territory[]): Promise<void> {
  const { random, volumes } = ctx;
  const [{ maxId } = { maxId: 0 }] = await selectRows<{ maxId: number | null }>(
    ctx.db.orders,
    'select coalesce(max(id), 0) as maxId from customers',
  );
  const ids = randomIds(random, Number(maxId), volumes.customerMoves);
  if (ids.length === 0) return;
  const customers = await selectRows<{ id: string; region_id: string; manager_id: string | null }>(
    ctx.db.orders,
    'select id, region_id, manager_id from customers where id in (?) order by id',
    [ids],
  );
  const byRegion = new Map(territories.map((t) => [t.regionId, t]));
  for (const customer of customers) {
    const home = byRegion.get(Number(customer.region_id));
    const otherManagers = home?.managers.filter((m) => m !== Number(customer.manager_id)) ?? [];
    if (random.chance(0.5) || otherManagers.length === 0) {
      const destinations = territories.filter((t) => t.regionId !== Number(customer.region_id));
      if (destinations.length === 0) continue;
      const destination = random.pick(destinations);
      const result = await execute(
        ctx.db.orders,
        'update customers set region_id = ?, manager_id = ?, city = ? where id = ?',
        [
          destination.regionId,
          random.pick(destination.managers),
          destination.cities.length > 0 ? random.pick(destination.cities) : null,
          customer.id,
        ],
      );
      ctx.counts.customers_moved_region += result.changedRows;
    } else {
      const result = await execute(ctx.db.orders, 'update customers set manager_id = ? where id = ?', [
        random.pick(otherManagers),
        customer.id,
      ]);
      ctx.counts.customers_reassigned += result.changedRows;
    }
  }
}
