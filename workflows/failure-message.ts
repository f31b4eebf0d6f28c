import { ActivityFailure, ChildWorkflowFailure } from '@temporalio/workflow';

/** The message worth recording for a failure: the activity's or child's own, not Temporal's wrapper. */
export function failureMessage(error: unknown): string {
  let current = error;
  while ((current instanceof ActivityFailure || current instanceof ChildWorkflowFailure) && current.cause) {
    current = current.cause;
  }
  return current instanceof Error ? current.message : String(current);
}
