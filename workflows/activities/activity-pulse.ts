import { asyncLocalStorage, type Context } from '@temporalio/activity';
import type { SignalDefinition } from '@temporalio/client';
import type { PipelineDeps } from '../../pipeline/index.ts';
import { heartbeatRun } from '../../warehouse/index.ts';

/** How often a working activity beats, whether or not it has new progress to report. */
export const PULSE_INTERVAL_MS = 5_000;
/** How often progress goes to the workflow as a signal: each one is an event in its history. */
export const PROGRESS_SIGNAL_INTERVAL_MS = 5_000;

export interface ActivityPulse<P> {
  /** The latest progress; sent as heartbeat details and, throttled, as a signal to the workflow. */
  report(progress: P): void;
}

/**
 * Runs an activity's work with a pulse. Temporal gets heartbeats carrying the latest progress, so a
 * dead worker is noticed within the heartbeat timeout; etl.runs gets a fresh heartbeat_at, so other
 * runs count this one alive (Temporal activities cannot hold the in-process run lock); and the
 * workflow gets the progress as a signal so its progress query can answer. Outside Temporal (tests
 * that call activities directly) only the run heartbeat is kept.
 */
export async function withPulse<P extends object, R>(
  deps: PipelineDeps,
  runId: number,
  progressSignal: SignalDefinition<[P]> | undefined,
  work: (pulse: ActivityPulse<P>) => Promise<R>,
): Promise<R> {
  const context: Context | undefined = asyncLocalStorage.getStore();
  let latest: P | undefined;
  let signalled: P | undefined;
  // Counted from the start: an activity shorter than the interval sends no signal at all. Each signal
  // is a workflow task, and a part or table extract of a second or less used to signal its first
  // progress at once, doubling the workflow tasks that the next activity's scheduling queued behind.
  let lastSignalAt = Date.now();

  const signalWorkflow = () => {
    const execution = context?.info.workflowExecution;
    if (!context || !execution || !progressSignal || latest === undefined || latest === signalled) return;
    if (Date.now() - lastSignalAt < PROGRESS_SIGNAL_INTERVAL_MS) return;
    signalled = latest;
    lastSignalAt = Date.now();
    const { workflowId, runId: executionId } = execution;
    // Progress is a courtesy: a closed workflow or a busy server must not fail the activity.
    context.client.workflow
      .getHandle(workflowId, executionId)
      .signal(progressSignal, latest)
      .catch(() => {});
  };
  const beat = () => {
    context?.heartbeat(latest);
    signalWorkflow();
  };
  const timer = setInterval(() => {
    beat();
    heartbeatRun(deps.warehouse, runId).catch(() => {});
  }, PULSE_INTERVAL_MS);
  try {
    return await work({
      report(progress) {
        latest = progress;
        beat();
      },
    });
  } finally {
    clearInterval(timer);
  }
}
