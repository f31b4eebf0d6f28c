import { z } from 'zod';
import { defineCommand, type FlagValues, listFlagSchema, valueFlag } from '../command.ts';

const runIdSchema = z.coerce.number().int('must be a whole number').positive('must be a run id').optional();
const htmlSchema = z.string().min(1, 'needs a file name').optional();

const runFlags = {
  rules: valueFlag('a,b', 'only these rules (names as in techmarket dq rules)', listFlagSchema),
  html: valueFlag('FILE', 'also write the HTML report to FILE', htmlSchema),
};
export type DqRunFlags = FlagValues<typeof runFlags>;

const reportFlags = {
  run: valueFlag('ID', 'the DQ run (default the latest)', runIdSchema),
  'etl-run': valueFlag('ID', 'the latest DQ run of this ETL run', runIdSchema),
  html: valueFlag('FILE', 'write a self-contained HTML report to FILE (open it in a browser)', htmlSchema),
};
export type DqReportFlags = FlagValues<typeof reportFlags>;

export const dqRunCommand = defineCommand({
  words: ['dq', 'run'],
  summary: 'check the data-quality rules now and store the results; exit 1 when an error rule fails',
  flags: runFlags,
  async run(flags, out) {
    const { checkRules } = await import('../actions/dq.ts');
    return checkRules(flags, out);
  },
});

export const dqReportCommand = defineCommand({
  words: ['dq', 'report'],
  summary: 'the stored results of a DQ run (default the latest): a table, --json, or an HTML file',
  flags: reportFlags,
  checks: [
    {
      holds: (f) => f.run === undefined || f['etl-run'] === undefined,
      flag: 'run',
      message: 'give either --run or --etl-run, not both',
    },
  ],
  async run(flags, out) {
    const { showReport } = await import('../actions/dq.ts');
    return showReport(flags, out);
  },
});

export const dqRulesCommand = defineCommand({
  words: ['dq', 'rules'],
  summary: 'the data-quality rules declared in sql/**/*.dq.yml',
  flags: {},
  async run(_flags, out) {
    const { listRules } = await import('../actions/dq.ts');
    return listRules(out);
  },
});
