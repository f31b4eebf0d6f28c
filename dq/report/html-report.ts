import type { DqResult } from '../run/dq-result.ts';
import { formatObserved, orderedResults, type ReportInput, sampleColumns } from './report-input.ts';

/**
 * A single self-contained HTML page (inline CSS, no scripts, nothing fetched) that a person opens in
 * a browser: the run's totals, every rule's result, and for each rule that did not pass its message,
 * details and failing sample rows.
 */
export function renderHtmlReport(input: ReportInput): string {
  const results = orderedResults(input.results);
  const counts = { pass: 0, warn: 0, fail: 0, error: 0 };
  for (const r of results) counts[r.status]++;
  const title = `Data quality — DQ run ${input.dqRunId}`;
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(title)}</title>
<style>${STYLE}</style>
</head>
<body>
<header>
  <h1>${escapeHtml(title)}</h1>
  <p class="meta">${input.etlRunId === null ? 'ad-hoc run' : `after ETL run ${input.etlRunId}`}${input.checkedAt ? ` · checked ${escapeHtml(input.checkedAt)}` : ''} · ${results.length} rules</p>
  <div class="totals">
    ${(['fail', 'error', 'warn', 'pass'] as const).map((s) => `<span class="badge ${s}">${counts[s]} ${s}</span>`).join('\n    ')}
  </div>
</header>
<main>
<h2>All rules</h2>
<table class="results">
<thead><tr><th>Status</th><th>Rule</th><th>Type</th><th>Target</th><th>Severity</th><th>Observed</th><th>Threshold</th><th>Time</th><th>Message</th></tr></thead>
<tbody>
${results.map(resultRow).join('\n')}
</tbody>
</table>
${results
  .filter((r) => r.status !== 'pass')
  .map(resultSection)
  .join('\n')}
</main>
</body>
</html>
`;
}

function resultRow(r: DqResult): string {
  const name =
    r.status === 'pass' ? escapeHtml(r.ruleName) : `<a href="#${anchor(r)}">${escapeHtml(r.ruleName)}</a>`;
  return `<tr class="${r.status}"><td><span class="badge ${r.status}">${r.status}</span></td><td class="rule">${name}</td><td>${escapeHtml(r.ruleType)}</td><td>${escapeHtml(r.target)}</td><td>${r.severity}</td><td class="num">${escapeHtml(formatObserved(r))}</td><td>${escapeHtml(r.threshold ?? '-')}</td><td class="num">${Math.round(r.durationMs)} ms</td><td>${escapeHtml(r.message)}</td></tr>`;
}

function resultSection(r: DqResult): string {
  return `<section class="failure ${r.status}" id="${anchor(r)}">
<h2><span class="badge ${r.status}">${r.status}</span> ${escapeHtml(r.ruleName)}</h2>
<p>${escapeHtml(r.message)}</p>
<dl>
  <dt>Type</dt><dd>${escapeHtml(r.ruleType)}</dd>
  <dt>Target</dt><dd>${escapeHtml(r.target)}</dd>
  <dt>Severity</dt><dd>${r.severity}</dd>
  <dt>Threshold</dt><dd>${escapeHtml(r.threshold ?? '-')}</dd>
  <dt>Declared in</dt><dd>${escapeHtml(r.ruleFile)}</dd>
</dl>
${Object.keys(r.details).length > 0 ? `<details><summary>Details</summary><pre>${escapeHtml(JSON.stringify(r.details, null, 2))}</pre></details>` : ''}
${sampleTable(r.sampleRows)}
</section>`;
}

function sampleTable(rows: readonly Record<string, unknown>[]): string {
  if (rows.length === 0) return '<p class="meta">No sample rows.</p>';
  const columns = sampleColumns(rows);
  return `<h3>Failing rows (${rows.length} shown)</h3>
<div class="scroll"><table class="samples">
<thead><tr>${columns.map((c) => `<th>${escapeHtml(c)}</th>`).join('')}</tr></thead>
<tbody>
${rows.map((row) => `<tr>${columns.map((c) => `<td>${escapeHtml(cell(row[c]))}</td>`).join('')}</tr>`).join('\n')}
</tbody>
</table></div>`;
}

const anchor = (r: DqResult) => `rule-${r.ruleName.replace(/[^a-z0-9_-]/gi, '-')}`;

function cell(value: unknown): string {
  if (value === null || value === undefined) return '∅';
  if (typeof value === 'object') return JSON.stringify(value);
  return String(value);
}

export function escapeHtml(text: string): string {
  return text
    .replaceAll('&', '&amp;')
    .replaceAll('<', '&lt;')
    .replaceAll('>', '&gt;')
    .replaceAll('"', '&quot;')
    .replaceAll("'", '&#39;');
}

const STYLE = `
:root { --pass: #1a7f37; --warn: #9a6700; --fail: #cf222e; --error: #8250df; --line: #d0d7de; --muted: #57606a; }
body { font: 14px/1.45 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; margin: 0; color: #1f2328; background: #f6f8fa; }
header { background: #fff; border-bottom: 1px solid var(--line); padding: 20px 32px; }
h1 { margin: 0 0 4px; font-size: 22px; }
h2 { font-size: 17px; margin: 28px 0 10px; }
h3 { font-size: 14px; margin: 16px 0 8px; }
main { padding: 0 32px 40px; }
.meta { color: var(--muted); margin: 0 0 10px; }
.totals { display: flex; gap: 8px; }
.badge { display: inline-block; padding: 1px 8px; border-radius: 10px; font-size: 12px; font-weight: 600; color: #fff; text-transform: uppercase; }
.badge.pass { background: var(--pass); } .badge.warn { background: var(--warn); }
.badge.fail { background: var(--fail); } .badge.error { background: var(--error); }
table { border-collapse: collapse; background: #fff; width: 100%; }
th, td { border: 1px solid var(--line); padding: 5px 8px; text-align: left; vertical-align: top; }
th { background: #f0f3f6; font-weight: 600; }
td.num { text-align: right; white-space: nowrap; font-variant-numeric: tabular-nums; }
td.rule { font-family: ui-monospace, SFMono-Regular, Menlo, monospace; font-size: 13px; }
tr.fail td { background: #fff5f5; } tr.warn td { background: #fffbea; } tr.error td { background: #f8f4ff; }
section.failure { background: #fff; border: 1px solid var(--line); border-left: 5px solid var(--fail); border-radius: 6px; padding: 4px 20px 16px; margin-top: 20px; }
section.warn { border-left-color: var(--warn); } section.error { border-left-color: var(--error); }
dl { display: grid; grid-template-columns: max-content 1fr; gap: 2px 16px; margin: 8px 0; }
dt { color: var(--muted); } dd { margin: 0; }
pre { background: #f6f8fa; padding: 8px; overflow-x: auto; }
.scroll { overflow-x: auto; }
table.samples td { font-family: ui-monospace, SFMono-Regular, Menlo, monospace; font-size: 12px; white-space: nowrap; }
a { color: #0969da; }
`;
