import { z } from 'zod';
import { DAILY_SCHEDULE_CATCHUP_WINDOW, DAILY_SCHEDULE_ID } from '../../workflows/constants.ts';
import { defineCommand, type FlagValues, switchFlag, valueFlag } from '../command.ts';

const idFlag = valueFlag(
  'ID',
  `the schedule (default ${DAILY_SCHEDULE_ID})`,
  z
    .string()
    .regex(/^[\w.-]{1,200}$/, 'must be letters, digits, ".", "_" or "-"')
    .default(DAILY_SCHEDULE_ID),
);

const scheduleIdFlags = { id: idFlag };
export type ScheduleIdFlags = FlagValues<typeof scheduleIdFlags>;

const createFlags = {
  id: idFlag,
  at: valueFlag(
    'HH:MM',
    'time of day in BUSINESS_TZ (default 02:00)',
    z
      .string()
      .regex(/^([01]\d|2[0-3]):[0-5]\d$/, 'must be HH:MM (24-hour)')
      .default('02:00'),
  ),
  'catchup-window': valueFlag(
    'D',
    `runs missed while Temporal was down still start within this (default ${DAILY_SCHEDULE_CATCHUP_WINDOW})`,
    z
      .string()
      .regex(
        /^\d+ ?(seconds?|minutes?|hours?|days?|[smhd])$/,
        "must be a duration such as '6 hours' or '30m'",
      )
      .default(DAILY_SCHEDULE_CATCHUP_WINDOW),
  ),
  paused: switchFlag('create it paused', z.boolean().default(false)),
};
export type ScheduleCreateFlags = FlagValues<typeof createFlags>;

export const scheduleCreateCommand = defineCommand({
  words: ['schedule', 'create'],
  summary:
    'create the Temporal Schedule of the daily run (02:00 business time, overlap SKIP, catch-up window)',
  flags: createFlags,
  async run(flags, out) {
    const { createSchedule } = await import('../actions/schedule.ts');
    return createSchedule(flags, out);
  },
});

export const scheduleDescribeCommand = defineCommand({
  words: ['schedule', 'describe'],
  summary: 'a schedule: state, next run times, recent actions',
  flags: scheduleIdFlags,
  async run(flags, out) {
    const { showSchedule } = await import('../actions/schedule.ts');
    return showSchedule(flags, out);
  },
});

const pauseFlags = (verb: 'pause' | 'unpause') => ({
  id: idFlag,
  note: valueFlag(
    'TEXT',
    'why (shown by describe and in the Temporal UI)',
    z.string().min(1).max(500).default(`${verb}d from the CLI`),
  ),
});
export type SchedulePauseFlags = FlagValues<ReturnType<typeof pauseFlags>>;

/** pause and unpause differ only in the verb; a note records who and why. */
function pauseCommand(verb: 'pause' | 'unpause') {
  return defineCommand({
    words: ['schedule', verb],
    summary:
      verb === 'pause' ? 'stop a schedule from starting runs' : 'let a paused schedule start runs again',
    flags: pauseFlags(verb),
    async run(flags, out) {
      const { setPaused } = await import('../actions/schedule.ts');
      return setPaused(verb, flags, out);
    },
  });
}

export const schedulePauseCommand = pauseCommand('pause');
export const scheduleUnpauseCommand = pauseCommand('unpause');

export const scheduleTriggerCommand = defineCommand({
  words: ['schedule', 'trigger'],
  summary: "start the schedule's run now (skipped if one of its runs is still going)",
  flags: scheduleIdFlags,
  async run(flags, out) {
    const { triggerNow } = await import('../actions/schedule.ts');
    return triggerNow(flags, out);
  },
});
