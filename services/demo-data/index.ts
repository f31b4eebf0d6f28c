/** The demo-data generator's public surface: `techmarket seed` and `techmarket simulate` use only this. */

export { anchorDaySchema, daysSchema, scaleSchema, seedSchema } from './option-schemas.ts';
export { type SeedResult, type SeedRunOptions, seedDemoData } from './seed/seed-demo-data.ts';
export { planSeed, SCALE_ONE, type SeedOptions, type SeedPlan } from './seed/seed-plan.ts';
export { currentUtcDay } from './time/timestamps.ts';
