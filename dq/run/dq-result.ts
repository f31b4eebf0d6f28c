import type { RuleType } from '../rules/rule-schema.ts';

export type DqStatus = 'pass' | 'warn' | 'fail' | 'error';
export type DqSeverity = 'warn' | 'error';

/** What a check measured; the runner turns it into a stored result. */
export interface CheckOutcome {
  passed: boolean;
  /** The measured value: failing rows or days, or an age in seconds. */
  observed: number | null;
  /** The limit as declared, for people: `max_failing 0`, `mostly 0.99`, `max_age 1d`. */
  threshold: string;
  failingCount: number | null;
  totalCount: number | null;
  message: string;
  samples: Record<string, unknown>[];
  details?: Record<string, unknown>;
}

/** One rule's result in one DQ run, as stored in dq.results. */
export interface DqResult {
  ruleName: string;
  ruleType: RuleType;
  ruleFile: string;
  severity: DqSeverity;
  target: string;
  status: DqStatus;
  observedValue: number | null;
  threshold: string | null;
  failingCount: number | null;
  totalCount: number | null;
  durationMs: number;
  message: string;
  details: Record<string, unknown>;
  sampleRows: Record<string, unknown>[];
  checkedAt?: string;
}

export interface DqRunSummary {
  dqRunId: number;
  etlRunId: number | null;
  results: DqResult[];
  counts: Record<DqStatus, number>;
  /** Rules of severity error that failed or could not run: these stop a pipeline run. */
  blockingRules: string[];
  seconds: number;
}
