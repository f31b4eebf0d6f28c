import type { Client } from '@temporalio/client';
import { z } from 'zod';
import { config } from '../../core/config.ts';
import { connectTemporal, temporalUiLink } from '../../workflows/client.ts';
import { DAILY_SCHEDULE_CATCHUP_WINDOW, DAILY_SCHEDULE_ID, etlTaskQueue } from '../../workflows/constants.ts';
import {
  createDailySchedule,
  describeSchedule,
  pauseSchedule,
  type ScheduleSummary,
  triggerSchedule,
  unpauseSchedule,
} from '../../workflows/schedules.ts';
import { defineCommand } from '../command.ts';
import { type Output, renderTable } from '../output.ts';

const idFlag = { id: { type: 'string' } } as const;
const idHelp = `--id ID         the schedule (default ${DAILY_SCHEDULE_ID})`;
const idSchema = z
  .string()
  .regex(/^[\w.-]{1,200}$/, 'must be letters, digits, ".", "_" or "-"')
  .default(DAILY_SCHEDULE_ID);

/** Connects, runs one schedule action, closes; a Temporal that does not answer is an InfraError. */
async function withTemporal<R>(action: (client: Client) => Promise<R>): Promise<R> {
  const temporal = await connectTemporal(config());
  try {
    return await action(temporal.client);
  } finally {
    await temporal.close();
  }
}

function describeHuman(s: ScheduleSummary): string {
  const lines = [
    `schedule ${s.scheduleId}: ${s.paused ? 'PAUSED' : 'active'}${s.note ? ` (${s.note})` : ''}`,
    `  when      ${s.calendar} (${s.timeZone ?? 'UTC'}), overlap ${s.overlap}, catch-up window ${s.catchupWindowSeconds}s`,
    `  taken     ${s.actionsTaken} runs, ${s.skippedOverlap} skipped (overlap), ${s.missedCatchupWindow} missed`,
    `  running   ${s.running.length > 0 ? s.running.join(', ') : '-'}`,
    '',
    'next runs',
    ...s.nextRuns.map((t) => `  ${t}`),
    '',
    'recent actions',
    renderTable(
      s.recentActions.map(({ scheduledAt, takenAt, workflowId }) => ({ scheduledAt, takenAt, workflowId })),
    ),
  ];
  return lines.join('\n');
}

export const scheduleCreateCommand = defineCommand({
  words: ['schedule', 'create'],
  summary:
    'create the Temporal Schedule of the daily run (02:00 business time, overlap SKIP, catch-up window)',
  flags: {
    ...idFlag,
    at: { type: 'string' },
    'catchup-window': { type: 'string' },
    paused: { type: 'boolean' },
  },
  flagHelp: [
    idHelp,
    '--at HH:MM      time of day in BUSINESS_TZ (default 02:00)',
    `--catchup-window D  runs missed while Temporal was down still start within this (default ${DAILY_SCHEDULE_CATCHUP_WINDOW})`,
    '--paused        create it paused',
  ],
  schema: z.object({
    id: idSchema,
    at: z
      .string()
      .regex(/^([01]\d|2[0-3]):[0-5]\d$/, 'must be HH:MM (24-hour)')
      .default('02:00'),
    'catchup-window': z
      .string()
      .regex(
        /^\d+ ?(seconds?|minutes?|hours?|days?|[smhd])$/,
        "must be a duration such as '6 hours' or '30m'",
      )
      .default(DAILY_SCHEDULE_CATCHUP_WINDOW),
    paused: z.boolean().default(false),
  }),
  async run(flags, out) {
    const cfg = config();
    const [hour, minute] = flags.at.split(':').map(Number) as [number, number];
    const summary = await withTemporal(async (client) => {
      await createDailySchedule(client, {
        scheduleId: flags.id,
        taskQueue: etlTaskQueue(),
        timeZone: cfg.BUSINESS_TZ,
        hour,
        minute,
        catchupWindow: flags['catchup-window'],
        paused: flags.paused,
      });
      return describeSchedule(client, flags.id);
    });
    out.result(summary, () => `created\n${describeHuman(summary)}`);
    return 0;
  },
});

export const scheduleDescribeCommand = defineCommand({
  words: ['schedule', 'describe'],
  summary: 'a schedule: state, next run times, recent actions',
  flags: idFlag,
  flagHelp: [idHelp],
  schema: z.object({ id: idSchema }),
  async run(flags, out) {
    const summary = await withTemporal((client) => describeSchedule(client, flags.id));
    out.result(summary, () => describeHuman(summary));
    return 0;
  },
});

/** pause and unpause differ only in the verb; a note records who and why. */
function pauseCommand(verb: 'pause' | 'unpause') {
  return defineCommand({
    words: ['schedule', verb],
    summary:
      verb === 'pause' ? 'stop a schedule from starting runs' : 'let a paused schedule start runs again',
    flags: { ...idFlag, note: { type: 'string' } },
    flagHelp: [idHelp, '--note TEXT     why (shown by describe and in the Temporal UI)'],
    schema: z.object({ id: idSchema, note: z.string().min(1).max(500).default(`${verb}d from the CLI`) }),
    async run(flags, out: Output) {
      const action = verb === 'pause' ? pauseSchedule : unpauseSchedule;
      await withTemporal((client) => action(client, flags.id, flags.note));
      out.result(
        { scheduleId: flags.id, paused: verb === 'pause', note: flags.note },
        () => `${flags.id} ${verb}d`,
      );
      return 0;
    },
  });
}

export const schedulePauseCommand = pauseCommand('pause');
export const scheduleUnpauseCommand = pauseCommand('unpause');

export const scheduleTriggerCommand = defineCommand({
  words: ['schedule', 'trigger'],
  summary: "start the schedule's run now (skipped if one of its runs is still going)",
  flags: idFlag,
  flagHelp: [idHelp],
  schema: z.object({ id: idSchema }),
  async run(flags, out) {
    const cfg = config();
    const summary = await withTemporal(async (client) => {
      const before = (await describeSchedule(client, flags.id)).actionsTaken;
      await triggerSchedule(client, flags.id);
      // The trigger is asynchronous on the server; wait briefly for the action to be recorded.
      for (let i = 0; i < 20; i++) {
        const now = await describeSchedule(client, flags.id);
        if (now.actionsTaken > before || now.skippedOverlap > 0) return now;
        await new Promise((r) => setTimeout(r, 250));
      }
      return describeSchedule(client, flags.id);
    });
    const latest = summary.recentActions.at(-1);
    out.result({ ...summary, started: latest ?? null }, () =>
      latest
        ? `triggered ${flags.id}: started ${latest.workflowId}\n  ${temporalUiLink(cfg, latest.workflowId, latest.runId)}`
        : `triggered ${flags.id}: no run started yet (see: techmarket schedule describe --id ${flags.id})`,
    );
    return 0;
  },
});
