import { z } from 'zod';
import { defineCommand, listFlagSchema } from '../command.ts';

const runIdSchema = z.coerce.number().int('must be a whole number').positive('must be a run id').optional();

const runSchema = z.object({
  rules: listFlagSchema,
  html: z.string().min(1, 'needs a file name').optional(),
});
export type DqRunFlags = z.infer<typeof runSchema>;

const reportSchema = z
  .object({
    run: runIdSchema,
    'etl-run': runIdSchema,
    html: z.string().min(1, 'needs a file name').optional(),
  })
  .refine((f) => f.run === undefined || f['etl-run'] === undefined, {
    message: 'give either --run or --etl-run, not both',
    path: ['run'],
  });
export type DqReportFlags = z.infer<typeof reportSchema>;

export const dqRunCommand = defineCommand({
  words: ['dq', 'run'],
  summary: 'check the data-quality rules now and store the results; exit 1 when an error rule fails',
  flags: { rules: { type: 'string' }, html: { type: 'string' } },
  flagHelp: [
    '--rules a,b     only these rules (names as in techmarket dq rules)',
    '--html FILE     also write the HTML report to FILE',
  ],
  schema: runSchema,
  async run(flags, out) {
    const { checkRules } = await import('../actions/dq.ts');
    return checkRules(flags, out);
  },
});

export const dqReportCommand = defineCommand({
  words: ['dq', 'report'],
  summary: 'the stored results of a DQ run (default the latest): a table, --json, or an HTML file',
  flags: { run: { type: 'string' }, 'etl-run': { type: 'string' }, html: { type: 'string' } },
  flagHelp: [
    '--run ID        the DQ run (default the latest)',
    '--etl-run ID    the latest DQ run of this ETL run',
    '--html FILE     write a self-contained HTML report to FILE (open it in a browser)',
  ],
  schema: reportSchema,
  async run(flags, out) {
    const { showReport } = await import('../actions/dq.ts');
    return showReport(flags, out);
  },
});

export const dqRulesCommand = defineCommand({
  words: ['dq', 'rules'],
  summary: 'the data-quality rules declared in sql/**/*.dq.yml',
  flags: {},
  schema: z.object({}),
  async run(_flags, out) {
    const { listRules } = await import('../actions/dq.ts');
    return listRules(out);
  },
});
