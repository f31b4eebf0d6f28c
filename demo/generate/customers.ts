import { createActivityCurve } from '../time/activity-curve.ts';
import { formatDatetime, MICROS_PER_DAY } from '../time/timestamps.ts';
import type { GeneratorOutput } from '../writer/row-sink.ts';
import { type AccountTable, type AuthIds, pushAccount } from './auth-accounts.ts';
import { customerEmail, customerName, phoneNumber } from './person-names.ts';
import type { SeedWorld } from './seed-world.ts';

export const CUSTOMER_COLUMNS = [
  'id',
  'created_at',
  'updated_at',
  'email',
  'full_name',
  'phone',
  'city',
  'region_id',
  'manager_id',
] as const;

/** Share of customers who signed up in the three years before the order window. */
const SIGNED_UP_BEFORE_WINDOW = 0.35;
const YEARS_BEFORE_WINDOW = 3;

/**
 * Customers, each with a region (weighted by where people live), a city of it and one of its sales
 * managers; every customer also gets a shop account in auth. Ids rise with sign-up time.
 */
export async function generateCustomers(
  world: SeedWorld,
  authIds: AuthIds,
  out: GeneratorOutput<'customers' | AccountTable>,
): Promise<void> {
  const random = world.random('customers');
  const authRandom = world.random('auth-customers');
  const { anchorMicros, windowStartMicros } = world.plan;
  const count = world.plan.customers;
  const earliest = windowStartMicros - YEARS_BEFORE_WINDOW * 365 * MICROS_PER_DAY;
  const signUps = createActivityCurve({
    startMicros: windowStartMicros,
    days: Math.round((anchorMicros - windowStartMicros) / MICROS_PER_DAY),
    growth: 1.3,
  });
  const regionWeights = world.regions.map((r) => [r, r.weight] as const);
  const createdMicros = new Float64Array(count);
  const managerId = new Int32Array(count);
  const emails: string[] = new Array(count);
  const phones: (string | null)[] = new Array(count);
  world.customerUserIdOffset = authIds.user;

  for (let index = 0; index < count; index++) {
    const id = index + 1;
    const p = (index + random.next()) / count;
    const created =
      p < SIGNED_UP_BEFORE_WINDOW
        ? earliest + Math.floor((p / SIGNED_UP_BEFORE_WINDOW) * (windowStartMicros - earliest))
        : signUps.at((p - SIGNED_UP_BEFORE_WINDOW) / (1 - SIGNED_UP_BEFORE_WINDOW));
    const region = random.weighted(regionWeights);
    const manager = random.pick(world.managersByRegion.get(region.id)!);
    const name = customerName(random);
    const email = customerEmail(random, name, id);
    const phone = phoneNumber(random);
    let city: string | null = random.chance(0.04) ? null : random.pick(region.cities);
    if (city !== null && random.chance(0.002)) city = `${city}\t`; // pasted from a spreadsheet
    const updated = random.chance(0.25)
      ? created + Math.floor(random.next() * (anchorMicros - created))
      : created;
    createdMicros[index] = created;
    managerId[index] = manager;
    emails[index] = email;
    phones[index] = phone;
    out.sinks.customers.push([
      id,
      formatDatetime(created),
      formatDatetime(updated),
      email,
      name.fullName,
      phone,
      city,
      region.id,
      manager,
    ]);
    pushAccount(authRandom, world, authIds, out, {
      email,
      fullName: name.fullName,
      role: 'customer',
      createdMicros: created,
    });
    if (index % 500 === 499) await out.breathe();
  }
  world.customers = { createdMicros, managerId, email: emails, phone: phones };
  await out.breathe();
}
