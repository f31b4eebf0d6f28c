import type proto from '@temporalio/proto';
import { describe, expect, it } from 'vitest';
import { loadHistories } from '../tests/workflows/support/histories.ts';
import { formatPhases, workflowPhases } from './workflow-phases.ts';

describe('workflowPhases reads where a workflow spent its time from its history', () => {
  const recorded = loadHistories().find((h) => h.file === 'backfill-one-load.json')!;
  // Loaded with the SDK's own protobuf classes (histories.ts): a History, typed loosely by the client.
  const history = recorded.history as proto.temporal.api.history.v1.IHistory;
  const phases = workflowPhases(history.events ?? []);

  it('names every activity in the order scheduled, with its wait, run and wake-up', () => {
    expect(phases.activities.map((a) => a.name)).toEqual([
      'extractWindowPart',
      'extractWindowPart',
      'extractWindowPart',
      'transformRun',
      'runQualityGate',
    ]);
    // From the recorded events: the first part scheduled at 437.783081, started 437.831667, completed 438.050841.
    expect(phases.activities[0]!.scheduleToStart).toBeCloseTo(0.0486, 3);
    expect(phases.activities[0]!.run).toBeCloseTo(0.2192, 3);
    for (const a of phases.activities) expect(a.wake).toBeGreaterThanOrEqual(0);
  });

  it('counts the first workflow task and the local activities it ran', () => {
    expect(phases.localActivities).toEqual([
      'planBackfill',
      'beginPipelineRun',
      'prepareWindowExtract',
      'recordWindowExtract',
      'finishPipelineRun',
    ]);
    expect(phases.toFirstActivity).toBeCloseTo(437.783081 - 437.346562, 3);
    expect(phases.firstTask.run).toBeCloseTo(437.754318 - 437.37405, 3);
    expect(formatPhases(phases)[0]).toContain('start → first activity 0.44s');
  });
});
