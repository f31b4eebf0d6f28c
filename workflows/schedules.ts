import {
  type Client,
  ScheduleAlreadyRunning,
  type ScheduleDescription,
  ScheduleNotFoundError,
  ScheduleOverlapPolicy,
} from '@temporalio/client';
import { TechmarketError } from '../core/errors.ts';
import {
  DAILY_SCHEDULE_CATCHUP_WINDOW,
  DAILY_SCHEDULE_HOUR,
  DAILY_SCHEDULE_ID,
  DAILY_SCHEDULE_MINUTE,
} from './constants.ts';
import type { dailyPipeline } from './daily-pipeline.ts';
import { localTime } from './local-time.ts';
import { type DailyPipelineInput, dailyPipelineInputSchema, parseInput } from './schemas.ts';

/** A schedule action refused: names the schedule and what to do. */
export class ScheduleError extends TechmarketError {}

export interface DailyScheduleOptions {
  scheduleId?: string;
  taskQueue: string;
  /** IANA zone the hour is in: BUSINESS_TZ. */
  timeZone: string;
  hour?: number;
  minute?: number;
  /** Missed runs are started if Temporal is back within this window (default 6 hours). */
  catchupWindow?: string;
  input?: DailyPipelineInput;
  paused?: boolean;
}

/** What `schedule describe` shows: the state, the next run times, the recent actions. */
export interface ScheduleSummary {
  scheduleId: string;
  paused: boolean;
  note: string | null;
  timeZone: string | null;
  calendar: string;
  overlap: string;
  catchupWindowSeconds: number;
  nextRuns: string[];
  /** The same times on the wall clock of the schedule's time zone (UTC when it has none). */
  nextRunsLocal: string[];
  recentActions: { scheduledAt: string; takenAt: string; workflowId: string; runId: string }[];
  running: string[];
  actionsTaken: number;
  skippedOverlap: number;
  missedCatchupWindow: number;
}

/**
 * The daily Schedule: `dailyPipeline` at 02:00 business time. A run still going at the next tick is
 * not doubled (overlap SKIP: incremental runs never overlap anyway); a tick missed while Temporal was
 * down is taken if the server is back within the catch-up window.
 */
export async function createDailySchedule(client: Client, options: DailyScheduleOptions): Promise<string> {
  const scheduleId = options.scheduleId ?? DAILY_SCHEDULE_ID;
  const input = parseInput(dailyPipelineInputSchema, options.input ?? {}, 'daily schedule');
  try {
    await client.schedule.create<typeof dailyPipeline>({
      scheduleId,
      spec: {
        calendars: [
          {
            hour: options.hour ?? DAILY_SCHEDULE_HOUR,
            minute: options.minute ?? DAILY_SCHEDULE_MINUTE,
            comment: 'daily ETL run',
          },
        ],
        timezone: options.timeZone,
      },
      action: {
        type: 'startWorkflow',
        workflowType: 'dailyPipeline',
        // Temporal appends the scheduled time: etl-daily-2026-11-25T00:00:00Z.
        workflowId: scheduleId,
        taskQueue: options.taskQueue,
        args: [input],
      },
      policies: {
        overlap: ScheduleOverlapPolicy.SKIP,
        catchupWindow: options.catchupWindow ?? DAILY_SCHEDULE_CATCHUP_WINDOW,
      },
      state: { paused: options.paused ?? false, note: 'created by techmarket schedule create' },
    });
  } catch (error) {
    if (error instanceof ScheduleAlreadyRunning) {
      throw new ScheduleError(`schedule ${scheduleId} already exists`, {
        hint: `see it with: techmarket schedule describe --id ${scheduleId}`,
      });
    }
    throw error;
  }
  return scheduleId;
}

/** Runs `action` on a schedule, turning "not found" into an error that says how to create it. */
async function onSchedule<R>(scheduleId: string, action: () => Promise<R>): Promise<R> {
  try {
    return await action();
  } catch (error) {
    if (error instanceof ScheduleNotFoundError) {
      throw new ScheduleError(`schedule ${scheduleId} does not exist`, {
        hint: 'create it with: techmarket schedule create',
      });
    }
    throw error;
  }
}

export function pauseSchedule(client: Client, scheduleId: string, note: string): Promise<void> {
  return onSchedule(scheduleId, () => client.schedule.getHandle(scheduleId).pause(note));
}

export function unpauseSchedule(client: Client, scheduleId: string, note: string): Promise<void> {
  return onSchedule(scheduleId, () => client.schedule.getHandle(scheduleId).unpause(note));
}

/** Starts a run now, as if the time had come (still skipped while one of its runs is going). */
export function triggerSchedule(client: Client, scheduleId: string): Promise<void> {
  return onSchedule(scheduleId, () => client.schedule.getHandle(scheduleId).trigger());
}

export function deleteSchedule(client: Client, scheduleId: string): Promise<void> {
  return onSchedule(scheduleId, () => client.schedule.getHandle(scheduleId).delete());
}

export async function describeSchedule(client: Client, scheduleId: string): Promise<ScheduleSummary> {
  const description = await onSchedule(scheduleId, () => client.schedule.getHandle(scheduleId).describe());
  return summarise(description);
}

function summarise(d: ScheduleDescription): ScheduleSummary {
  const calendar = d.spec.calendars?.[0];
  const time = (ranges: readonly { start: number }[]) => String(ranges[0]?.start ?? 0).padStart(2, '0');
  return {
    scheduleId: d.scheduleId,
    paused: d.state.paused,
    note: d.state.note ?? null,
    timeZone: d.spec.timezone ?? null,
    calendar: calendar ? `${time(calendar.hour)}:${time(calendar.minute)} daily` : 'custom',
    overlap: String(d.policies.overlap ?? ScheduleOverlapPolicy.SKIP),
    catchupWindowSeconds: Math.round(d.policies.catchupWindow / 1000),
    nextRuns: d.info.nextActionTimes.map((t) => t.toISOString()),
    nextRunsLocal: d.info.nextActionTimes.map((t) => localTime(t, d.spec.timezone ?? 'UTC')),
    recentActions: d.info.recentActions.map((a) => ({
      scheduledAt: a.scheduledAt.toISOString(),
      takenAt: a.takenAt.toISOString(),
      workflowId: a.action.workflow.workflowId,
      runId: a.action.workflow.firstExecutionRunId,
    })),
    running: d.info.runningActions.map((a) => a.workflow.workflowId),
    actionsTaken: d.info.numActionsTaken,
    skippedOverlap: d.info.numActionsSkippedOverlap,
    missedCatchupWindow: d.info.numActionsMissedCatchupWindow,
  };
}
