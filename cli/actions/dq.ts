import { writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { config } from '../../core/config.ts';
import { UsageError } from '../../core/errors.ts';
import { createProgress } from '../../core/progress.ts';
import {
  DqError,
  type DqResult,
  formatObserved,
  loadDqRun,
  loadRuleFiles,
  orderedResults,
  orderedSampleRows,
  type ReportInput,
  renderHtmlReport,
  runQualityChecks,
  selectRules,
} from '../../dq/index.ts';
import { createPipelineDeps } from '../../pipeline/index.ts';
import type { DqReportFlags, DqRunFlags } from '../commands/dq.ts';
import type { Output } from '../output.ts';

/** Samples shown per failing rule on a terminal; the HTML report and --json have them all. */
const SAMPLES_SHOWN = 5;

function resultRows(results: readonly DqResult[]) {
  return orderedResults(results).map((r) => ({
    status: r.status,
    severity: r.severity,
    rule: r.ruleName,
    target: r.target,
    observed: formatObserved(r),
    threshold: r.threshold ?? '-',
    ms: Math.round(r.durationMs),
  }));
}

function describeReport(report: ReportInput, out: Output): string {
  const counts = { pass: 0, warn: 0, fail: 0, error: 0 };
  for (const r of report.results) counts[r.status]++;
  const lines = [
    `dq run ${report.dqRunId}${report.etlRunId === null ? ' (ad hoc)' : ` after etl run ${report.etlRunId}`}${report.checkedAt ? `, ${report.checkedAt}` : ''}: ` +
      `${counts.pass} pass, ${counts.warn} warn, ${counts.fail} fail, ${counts.error} error`,
    '',
    out.table(resultRows(report.results)),
  ];
  for (const r of orderedResults(report.results).filter((x) => x.status !== 'pass')) {
    lines.push('', `${r.status.toUpperCase()} ${r.ruleName} (${r.ruleFile}): ${r.message}`);
    if (r.sampleRows.length > 0) {
      lines.push(out.table(orderedSampleRows(r.sampleRows.slice(0, SAMPLES_SHOWN))));
      if (r.sampleRows.length > SAMPLES_SHOWN)
        lines.push(`… ${r.sampleRows.length - SAMPLES_SHOWN} more sample rows`);
    }
  }
  return lines.join('\n');
}

/** An unknown rule name is a bad argument: named as one, with the declared names as the hint. */
function selectedRules(names: string[]) {
  try {
    return selectRules(loadRuleFiles(), names);
  } catch (error) {
    if (!(error instanceof DqError)) throw error;
    throw new UsageError(`dq run: --rules: ${error.message}`, { hint: 'list them: techmarket dq rules' });
  }
}

function writeHtml(file: string, report: ReportInput): string {
  const path = resolve(file);
  writeFileSync(path, renderHtmlReport(report));
  return path;
}

export async function checkRules(flags: DqRunFlags, out: Output): Promise<number> {
  const rules = selectedRules(flags.rules);
  const deps = createPipelineDeps(config());
  const progress = createProgress('dq rules', { total: rules.length, quiet: out.json });
  try {
    const summary = await runQualityChecks(deps, rules, {
      etlRunId: null,
      onResult: (r) => {
        progress.label(`dq ${r.ruleName}`);
        progress.add(1);
      },
    });
    progress.done();
    const report = { ...summary, checkedAt: undefined };
    if (flags.html) out.line(`HTML report: ${writeHtml(flags.html, report)}`);
    out.result(summary, () => describeReport(report, out));
    return summary.blockingRules.length > 0 ? 1 : 0;
  } finally {
    await deps.close();
  }
}

export async function showReport(flags: DqReportFlags, out: Output): Promise<number> {
  const deps = createPipelineDeps(config());
  try {
    const report = await loadDqRun(deps.warehouse, { dqRunId: flags.run, etlRunId: flags['etl-run'] });
    if (!report) {
      throw new UsageError(
        flags.run !== undefined
          ? `dq report: --run ${flags.run}: no such DQ run`
          : flags['etl-run'] !== undefined
            ? `dq report: --etl-run ${flags['etl-run']}: no DQ results for this ETL run`
            : 'dq report: no DQ results yet',
        { hint: 'run the rules: techmarket dq run (or an ETL run, which checks them after loading)' },
      );
    }
    if (flags.html) out.line(`HTML report: ${writeHtml(flags.html, report)}`);
    out.result(report, () => describeReport(report, out));
    return 0;
  } finally {
    await deps.close();
  }
}

export async function listRules(out: Output): Promise<number> {
  const rules = loadRuleFiles().map((r) => ({
    rule: r.name,
    type: r.type,
    target: r.target,
    severity: r.severity,
    file: r.file,
  }));
  out.result(rules, () => out.table(rules));
  return 0;
}
