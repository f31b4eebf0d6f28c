import { TechmarketError } from '../core/errors.ts';
import type { DqRunSummary } from './run/dq-result.ts';

/** Every error of the data-quality folder. */
export class DqError extends TechmarketError {}

/** A .dq.yml file that does not parse or validate: the message names the file and the field. */
export class DqRuleFileError extends DqError {}

/**
 * An `error`-severity rule failed (or could not run) after a load. Raised after every result is stored;
 * never retryable: running the same rules on the same data gives the same answer.
 */
export class DqGateError extends DqError {
  readonly ruleNames: readonly string[];
  readonly summary: DqRunSummary;

  constructor(summary: DqRunSummary, ruleNames: readonly string[], message: string) {
    super(message, {
      retryable: false,
      hint: `see the failing rows: techmarket dq report --run ${summary.dqRunId} (or --html report.html)`,
      context: { dqRunId: summary.dqRunId, etlRunId: summary.etlRunId, rules: ruleNames },
    });
    this.ruleNames = ruleNames;
    this.summary = summary;
  }
}
