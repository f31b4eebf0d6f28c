import { readdirSync, readFileSync } from 'node:fs';
import { basename, join, relative } from 'node:path';
import { parseDocument } from 'yaml';
import type { z } from 'zod';
import { REPO_ROOT } from '../../core/paths.ts';
import { DqRuleFileError } from '../dq-errors.ts';
import { type DqRule, type RuleInput, ruleFileSchema } from './rule-schema.ts';

/** Rules live beside the models they check: sql/facts/fact_sales.dq.yml checks dwh.fact_sales. */
export const RULES_DIR = join(REPO_ROOT, 'sql');
const RULE_FILE_SUFFIX = '.dq.yml';

/** Every rule declared under `dir`, validated; a bad file or a repeated name stops with its location. */
export function loadRuleFiles(dir: string = RULES_DIR): DqRule[] {
  const rules: DqRule[] = [];
  const declaredIn = new Map<string, string>();
  for (const path of findRuleFiles(dir)) {
    const file = relative(REPO_ROOT, path);
    for (const rule of parseRuleFile(file, readFileSync(path, 'utf8'))) {
      const earlier = declaredIn.get(rule.name);
      if (earlier) {
        throw new DqRuleFileError(`${file}: rule name ${rule.name} is already declared in ${earlier}`, {
          hint: 'rule names are unique across all .dq.yml files: give one of them a name of its own',
        });
      }
      declaredIn.set(rule.name, file);
      rules.push(rule);
    }
  }
  return rules;
}

function findRuleFiles(dir: string): string[] {
  return readdirSync(dir, { recursive: true, encoding: 'utf8' })
    .filter((entry) => entry.endsWith(RULE_FILE_SUFFIX))
    .sort()
    .map((entry) => join(dir, entry));
}

/** Parses one file's text; `file` names it in errors and in the rules. */
export function parseRuleFile(file: string, text: string): DqRule[] {
  const document = parseDocument(text, { prettyErrors: true, merge: true });
  if (document.errors.length > 0) {
    throw new DqRuleFileError(`${file}: not valid YAML: ${document.errors[0]!.message.split('\n')[0]}`);
  }
  const raw = document.toJS() as unknown;
  const parsed = ruleFileSchema.safeParse(raw);
  if (!parsed.success) {
    // An unknown key is most likely the cause of the other issues of its rule (a misspelt field).
    const issues = parsed.error.issues;
    const first = issues.find((i) => i.code === 'unrecognized_keys') ?? issues[0]!;
    throw new DqRuleFileError(describeIssue(file, raw, first));
  }
  const model = basename(file, RULE_FILE_SUFFIX);
  const fileTarget = parsed.data.target ?? `dwh.${model}`;
  return parsed.data.rules.map((rule) => {
    const target = targetOf(rule, fileTarget);
    return { ...rule, target, name: rule.name ?? defaultName(rule, target), file } as DqRule;
  });
}

function targetOf(rule: RuleInput, fileTarget: string): string {
  if (rule.type === 'freshness') return rule.source;
  return rule.target ?? fileTarget;
}

/** dbt-style names: fact_sales__customer_key__relationships. */
function defaultName(rule: RuleInput, target: string): string {
  const table = target.replace('.', '_').replace(/^dwh_/, '');
  if (rule.type === 'freshness') return `${table}__freshness`;
  if ('column' in rule) return `${table}__${rule.column}__${rule.type}`;
  if (rule.type === 'unique') return `${table}__${rule.columns.join('_')}__unique`;
  return `${table}__${rule.type}`;
}

/** `sql/facts/fact_sales.dq.yml: rules[2] (fact_sales__x).column: must be …` */
function describeIssue(file: string, raw: unknown, issue: z.core.$ZodIssue): string {
  let field = '';
  let node: unknown = raw;
  for (const part of issue.path) {
    node = (node as Record<PropertyKey, unknown> | undefined)?.[part as PropertyKey];
    if (typeof part === 'number') {
      const name = (node as { name?: unknown } | undefined)?.name;
      field += `[${part}]${typeof name === 'string' ? ` (${name})` : ''}`;
    } else {
      field += field === '' ? String(part) : `.${String(part)}`;
    }
  }
  let message: string = issue.message;
  if (issue.code === 'unrecognized_keys') {
    message = `unknown field ${issue.keys.join(', ')} (a typo?)`;
  }
  return `${file}: ${field === '' ? '(top level)' : field}: ${message}`;
}
