import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { HistoryAndWorkflowId } from '@temporalio/client';
import proto from '@temporalio/proto';

const { History } = proto.temporal.api.history.v1;

/**
 * A history file: the workflow id (replay needs it: child ids derive from it) and the history as
 * protobuf JSON (camelCase fields, enums by name, 64-bit numbers as strings), readable in a diff and
 * loaded with the same protobuf classes the SDK uses.
 */
export function historyToJson(workflowId: string, history: proto.temporal.api.history.v1.IHistory): string {
  const object = History.toObject(History.fromObject(history), {
    longs: String,
    enums: String,
    bytes: String,
  });
  return `${JSON.stringify({ workflowId, history: object }, null, 1)}\n`;
}

/** Recorded workflow histories: one JSON file per scenario, named after it. */
export const HISTORIES_DIR = new URL('../histories/', import.meta.url).pathname;

export function loadHistories(): (HistoryAndWorkflowId & { file: string })[] {
  return readdirSync(HISTORIES_DIR)
    .filter((f) => f.endsWith('.json'))
    .sort()
    .map((file) => {
      const recorded = JSON.parse(readFileSync(join(HISTORIES_DIR, file), 'utf8'));
      return { file, workflowId: String(recorded.workflowId), history: History.fromObject(recorded.history) };
    });
}
