import { formatKopecks } from '../money.ts';
import { DISCOUNT_CODES } from '../reference/discount-codes.ts';
import { formatDatetime, MICROS_PER_DAY } from '../time/timestamps.ts';
import type { GeneratorOutput } from '../writer/row-sink.ts';
import type { SeedWorld } from './seed-world.ts';

export const DISCOUNT_COLUMNS = [
  'id',
  'created_at',
  'updated_at',
  'code',
  'kind',
  'value',
  'active',
  'valid_from',
  'valid_to',
] as const;

/** The discount codes; campaign windows are fixed relative to the anchor day. */
export async function generateDiscounts(world: SeedWorld, out: GeneratorOutput<'discounts'>): Promise<void> {
  const { anchorMicros, windowStartMicros } = world.plan;
  DISCOUNT_CODES.forEach((code, index) => {
    const id = index + 1;
    const validFrom = code.window ? anchorMicros - code.window.fromDaysAgo * MICROS_PER_DAY : null;
    const validTo = code.window ? anchorMicros - code.window.toDaysAgo * MICROS_PER_DAY : null;
    const created = (validFrom ?? windowStartMicros - 60 * MICROS_PER_DAY) - 7 * MICROS_PER_DAY + id * 1000;
    const active = code.active ?? true;
    // A switched-off campaign was last touched the day after it ended.
    const updated = !active && validTo !== null ? validTo + MICROS_PER_DAY : created;
    const amount = code.kind === 'percent' ? code.value : code.value * 100;
    world.discounts.push({ id, kind: code.kind, amount, validFromMicros: validFrom, validToMicros: validTo });
    out.sinks.discounts.push([
      id,
      formatDatetime(created),
      formatDatetime(updated),
      code.code,
      code.kind,
      code.kind === 'percent' ? formatKopecks(code.value * 100) : formatKopecks(amount),
      active ? 1 : 0,
      validFrom === null ? null : formatDatetime(validFrom),
      validTo === null ? null : formatDatetime(validTo),
    ]);
  });
  await out.breathe();
}
