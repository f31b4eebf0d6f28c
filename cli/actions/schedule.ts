import type { Client } from '@temporalio/client';
import { config } from '../../core/config.ts';
import { connectTemporal, temporalUiLink } from '../../workflows/client.ts';
import { etlTaskQueue } from '../../workflows/constants.ts';
import {
  createDailySchedule,
  describeSchedule,
  pauseSchedule,
  type ScheduleSummary,
  triggerSchedule,
  unpauseSchedule,
} from '../../workflows/schedules.ts';
import type { ScheduleCreateFlags, ScheduleIdFlags, SchedulePauseFlags } from '../commands/schedule.ts';
import { type Output, renderTable } from '../output.ts';

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
    `next runs (${s.timeZone ?? 'UTC'}, then UTC)`,
    ...s.nextRuns.map((t, i) => `  ${s.nextRunsLocal[i]}  ${t}`),
    '',
    'recent actions',
    renderTable(
      s.recentActions.map(({ scheduledAt, takenAt, workflowId }) => ({ scheduledAt, takenAt, workflowId })),
    ),
  ];
  return lines.join('\n');
}

export async function createSchedule(flags: ScheduleCreateFlags, out: Output): Promise<number> {
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
}

export async function showSchedule(flags: ScheduleIdFlags, out: Output): Promise<number> {
  const summary = await withTemporal((client) => describeSchedule(client, flags.id));
  out.result(summary, () => describeHuman(summary));
  return 0;
}

export async function setPaused(
  verb: 'pause' | 'unpause',
  flags: SchedulePauseFlags,
  out: Output,
): Promise<number> {
  const action = verb === 'pause' ? pauseSchedule : unpauseSchedule;
  await withTemporal((client) => action(client, flags.id, flags.note));
  out.result(
    { scheduleId: flags.id, paused: verb === 'pause', note: flags.note },
    () => `${flags.id} ${verb}d`,
  );
  return 0;
}

export async function triggerNow(flags: ScheduleIdFlags, out: Output): Promise<number> {
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
}
