import { REGIONS } from '../reference/regions.ts';
import { formatDatetime, MICROS_PER_DAY } from '../time/timestamps.ts';
import type { GeneratorOutput } from '../writer/row-sink.ts';
import { ukrainianName } from './person-names.ts';
import type { SeedWorld } from './seed-world.ts';

export const REGION_COLUMNS = ['id', 'created_at', 'updated_at', 'code', 'name'] as const;
export const EMPLOYEE_COLUMNS = [
  'id',
  'created_at',
  'updated_at',
  'full_name',
  'email',
  'position',
  'region_id',
  'active',
] as const;

/**
 * Regions (the 24 oblasts and Kyiv) and their sales managers: 2–5 per region, more where more
 * customers live. Everything here predates the order window by years.
 */
export async function generateStaff(
  world: SeedWorld,
  out: GeneratorOutput<'regions' | 'employees'>,
): Promise<void> {
  const random = world.random('staff');
  const { anchorMicros } = world.plan;
  const regionsCreated = anchorMicros - 5 * 365 * MICROS_PER_DAY;
  let employeeId = 0;
  REGIONS.forEach((region, index) => {
    const id = index + 1;
    world.regions.push({ ...region, id });
    const created = formatDatetime(regionsCreated + id * 1000);
    out.sinks.regions.push([id, created, created, region.code, region.name]);
    const managers = Math.min(5, region.weight >= 5 ? random.int(3, 5) : random.int(2, 3));
    const ids: number[] = [];
    for (let m = 0; m < managers; m++) {
      employeeId++;
      ids.push(employeeId);
      const name = ukrainianName(random);
      const hired = anchorMicros - random.int(800, 2000) * MICROS_PER_DAY - random.int(0, 86_399_999_999);
      const updated = random.chance(0.3) ? hired + random.int(1, 700) * MICROS_PER_DAY : hired;
      const email = `${name.latinFirst}.${name.latinLast}.${employeeId}@techmarket.ua`.toLowerCase();
      world.employees.push({ id: employeeId, fullName: name.fullName, email, createdMicros: hired });
      out.sinks.employees.push([
        employeeId,
        formatDatetime(hired),
        formatDatetime(updated),
        name.fullName,
        email,
        'sales_manager',
        id,
        1,
      ]);
    }
    world.managersByRegion.set(id, ids);
  });
  await out.breathe();
}
