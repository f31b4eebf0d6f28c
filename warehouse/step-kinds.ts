import { z } from 'zod';

/**
 * The kinds of step a run records in etl.run_steps, each with the detail it keeps: one schema per
 * kind for the detail written when it starts and when it succeeds. Details are parsed when read back,
 * so a reader gets them typed, and a detail of another shape is an error naming the step.
 */
const watermarkSchema = z.object({ updatedAt: z.string(), id: z.string() });

/** What an extract keeps when it starts: the bound a resumed attempt must keep. */
const extractStartSchema = z.object({
  mode: z.enum(['full', 'incremental']).optional(),
  since: z.string().optional(),
  upperBound: z.string().optional(),
});

/** What an extract keeps when it succeeds: its result, and what the transform needs from it. */
const extractDetailSchema = z.object({
  table: z.string(),
  mode: z.enum(['full', 'incremental']),
  rows: z.number(),
  resumed: z.boolean(),
  watermarkBefore: watermarkSchema.nullable(),
  watermarkAfter: watermarkSchema.nullable(),
  since: z.string().optional(),
  upperBound: z.string().optional(),
  /** Hard-delete detection's source side (range → count and key sum), read beside the extract. */
  sourceKeyRanges: z.record(z.string(), z.object({ n: z.string(), s: z.string() })).optional(),
});

const noDetail = z.object({});

export const STEP_KINDS = {
  extract: { started: extractStartSchema, succeeded: extractDetailSchema },
  merge: { started: noDetail, succeeded: noDetail },
  transform: { started: noDetail, succeeded: z.object({ orders: z.number().optional() }) },
} as const;

export type StepKind = keyof typeof STEP_KINDS;
/** The detail a step of kind K keeps while it runs (or after it failed). */
export type StepStartDetail<K extends StepKind> = z.infer<(typeof STEP_KINDS)[K]['started']>;
/** The detail a step of kind K keeps once it succeeded. */
export type StepDetail<K extends StepKind> = z.infer<(typeof STEP_KINDS)[K]['succeeded']>;
