/**
 * The demo-data generator's public surface: `techmarket seed` and `techmarket simulate` run through only
 * this (their flag declarations import `option-schemas.ts` alone, to stay cheap to load).
 */

export { anchorDaySchema, daysSchema, scaleSchema, seedSchema } from './option-schemas.ts';
export { type SeedResult, type SeedRunOptions, seedDemoData } from './seed/seed-demo-data.ts';
export { planSeed, SCALE_ONE, type SeedOptions, type SeedPlan } from './seed/seed-plan.ts';
export { CHANGE_KINDS, type ChangeCounts, type ChangeKind } from './simulate/change-counts.ts';
export { type SimulateOptions, type SimulateResult, simulateDays } from './simulate/simulate-days.ts';
export { currentUtcDay } from './time/timestamps.ts';
