/** The data-quality folder's public surface: the pipeline, the Temporal activities and the CLI use only this. */
export type { DqDeps } from './dq-deps.ts';
export { DqError, DqGateError, DqRuleFileError } from './dq-errors.ts';
export { renderHtmlReport } from './report/html-report.ts';
export {
  formatObserved,
  orderedResults,
  orderedSampleRows,
  type ReportInput,
  sampleColumns,
} from './report/report-input.ts';
export { loadRuleFiles, parseRuleFile, RULES_DIR } from './rules/load-rule-files.ts';
export { type DqRule, RULE_TYPES, type RuleType } from './rules/rule-schema.ts';
export { selectRules } from './rules/select-rules.ts';
export type { DqResult, DqRunSummary, DqSeverity, DqStatus } from './run/dq-result.ts';
export { readGateSourceTotalsAhead, runQualityGate } from './run/quality-gate.ts';
export {
  DQ_SAMPLE_ROWS,
  type DqScope,
  type QualityCheckOptions,
  readSourceTotalsAhead,
  runQualityChecks,
  type SourceTotalsAhead,
} from './run/run-quality-checks.ts';
export { loadDqRun, type StoredDqRun } from './store/result-store.ts';
