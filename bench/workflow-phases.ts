/**
 * Where a workflow's time went, read from its event history (the server's own timestamps): the
 * bench prints it next to the same phases of `--local`, so the orchestration's share is named rather
 * than guessed. Absolute times are noisy on the shared machine; the split is what to compare.
 */
import type proto from '@temporalio/proto';

type HistoryEvent = proto.temporal.api.history.v1.IHistoryEvent;
type Timestamp = proto.google.protobuf.ITimestamp;

/** One regular activity: waiting for a worker, its own run, and the workflow task its result woke. */
export interface ActivityPhase {
  name: string;
  /** Seconds from the workflow's start to this activity's scheduling. */
  scheduledAt: number;
  /** Scheduled → started: waiting for a worker to poll it. */
  scheduleToStart: number;
  /** Started → completed (or failed): the activity's own work. */
  run: number;
  /** Completed → the workflow task that handled the result completed: the wake-up round trip. */
  wake: number;
}

export interface WorkflowPhases {
  /** Started → completed, as the server saw it. */
  total: number;
  /** Started → the first regular activity scheduled (the first workflow task and its local activities). */
  toFirstActivity: number;
  /** Local activities recorded as markers (run inside workflow tasks), by type. */
  localActivities: string[];
  activities: ActivityPhase[];
  /** Workflow tasks: count and their summed scheduled → completed time. */
  workflowTasks: { count: number; seconds: number };
  /** The first workflow task: waiting for the worker, then running (with its local activities). */
  firstTask: { wait: number; run: number };
}

const seconds = (t: Timestamp | null | undefined): number =>
  t ? Number(t.seconds ?? 0) + (t.nanos ?? 0) / 1e9 : Number.NaN;

/** An event type whether the history came from the client (enum numbers) or a file (enum names). */
const typeOf = (event: HistoryEvent): string => {
  const attributes = Object.keys(event).find(
    (k) => k.endsWith('EventAttributes') && event[k as keyof HistoryEvent],
  );
  return attributes ?? '';
};

export function workflowPhases(events: readonly HistoryEvent[]): WorkflowPhases {
  const at = new Map<string, HistoryEvent>();
  for (const event of events) at.set(String(event.eventId), event);
  const start = seconds(events[0]?.eventTime);
  const end = seconds(events[events.length - 1]?.eventTime);
  const activities: ActivityPhase[] = [];
  const localActivities: string[] = [];
  let wfTasks = 0;
  let wfTaskSeconds = 0;
  let firstActivity = Number.NaN;
  const firstTask = { wait: Number.NaN, run: Number.NaN };
  for (const [index, event] of events.entries()) {
    const kind = typeOf(event);
    if (kind === 'activityTaskScheduledEventAttributes' && Number.isNaN(firstActivity)) {
      firstActivity = seconds(event.eventTime) - start;
    }
    if (kind === 'workflowTaskCompletedEventAttributes') {
      const scheduled = at.get(String(event.workflowTaskCompletedEventAttributes?.scheduledEventId));
      wfTasks++;
      wfTaskSeconds += seconds(event.eventTime) - seconds(scheduled?.eventTime);
      if (wfTasks === 1) {
        const started = at.get(String(event.workflowTaskCompletedEventAttributes?.startedEventId));
        firstTask.wait = seconds(started?.eventTime) - seconds(scheduled?.eventTime);
        firstTask.run = seconds(event.eventTime) - seconds(started?.eventTime);
      }
    }
    if (kind === 'markerRecordedEventAttributes') {
      const marker = event.markerRecordedEventAttributes;
      const data = marker?.details?.data?.payloads?.[0]?.data;
      if (marker?.markerName === 'core_local_activity' && data) {
        const text =
          typeof data === 'string' ? Buffer.from(data, 'base64').toString() : Buffer.from(data).toString();
        localActivities.push(String(JSON.parse(text).activity_type));
      }
    }
    const done = event.activityTaskCompletedEventAttributes ?? event.activityTaskFailedEventAttributes;
    if (done) {
      const scheduled = at.get(String(done.scheduledEventId));
      const started = at.get(String(done.startedEventId));
      const finished = seconds(event.eventTime);
      // The result is handled by the first workflow task completed after it.
      const handled = events
        .slice(index + 1)
        .find((e) => typeOf(e) === 'workflowTaskCompletedEventAttributes');
      activities.push({
        name: scheduled?.activityTaskScheduledEventAttributes?.activityType?.name ?? '?',
        scheduledAt: seconds(scheduled?.eventTime) - start,
        scheduleToStart: seconds(started?.eventTime) - seconds(scheduled?.eventTime),
        run: finished - seconds(started?.eventTime),
        wake: handled ? seconds(handled.eventTime) - finished : 0,
      });
    }
  }
  activities.sort((a, b) => a.scheduledAt - b.scheduledAt);
  return {
    total: end - start,
    toFirstActivity: firstActivity,
    localActivities,
    activities,
    workflowTasks: { count: wfTasks, seconds: wfTaskSeconds },
    firstTask,
  };
}

const s = (n: number) => `${n.toFixed(2)}s`;

/**
 * The phases as lines: the first workflow task, each activity (waiting, running, waking the
 * workflow), the extracts' span against their summed work (overlap), and what is left over.
 */
export function formatPhases(phases: WorkflowPhases): string[] {
  const lines = [
    `total ${s(phases.total)}; start → first activity ${s(phases.toFirstActivity)} (first workflow task waited ${s(phases.firstTask.wait)}, ran ${s(phases.firstTask.run)}); local activities: ${phases.localActivities.join(', ') || 'none'}; ${phases.workflowTasks.count} workflow tasks, ${s(phases.workflowTasks.seconds)} summed`,
  ];
  for (const a of phases.activities) {
    lines.push(
      `  ${a.name} at ${s(a.scheduledAt)}: waited ${s(a.scheduleToStart)}, ran ${s(a.run)}, woke the workflow in ${s(a.wake)}`,
    );
  }
  const extracts = phases.activities.filter((a) => a.name.startsWith('extract'));
  if (extracts.length > 0) {
    const first = Math.min(...extracts.map((a) => a.scheduledAt));
    const last = Math.max(...extracts.map((a) => a.scheduledAt + a.scheduleToStart + a.run));
    const work = extracts.reduce((sum, a) => sum + a.run, 0);
    const busy = phases.activities.reduce((sum, a) => sum + a.run, 0);
    lines.push(
      `  extracts: ${extracts.length} activities over ${s(last - first)}, ${s(work)} of work (overlap ×${(work / (last - first)).toFixed(2)}); all activities' work ${s(busy)}, orchestration left ${s(phases.total - busy + work - (last - first))}`,
    );
  }
  return lines;
}
