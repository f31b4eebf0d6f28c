import { describe, expect, it } from 'vitest';
import { DqRuleFileError, loadRuleFiles, parseRuleFile, RULE_TYPES } from '../index.ts';

const parse = (text: string) => () => parseRuleFile('sql/facts/fact_sales.dq.yml', text);

describe('rule files', () => {
  it('loads every .dq.yml beside the models, with unique names and every rule type in use', () => {
    const rules = loadRuleFiles();
    expect(new Set(rules.map((r) => r.name)).size).toBe(rules.length);
    expect(new Set(rules.map((r) => r.type))).toEqual(new Set(RULE_TYPES));
    const relationship = rules.find((r) => r.name === 'fact_sales__customer_key__relationships');
    expect(relationship).toMatchObject({ target: 'dwh.fact_sales', file: 'sql/facts/fact_sales.dq.yml' });
  });

  it('names the file and the field of a bad rule', () => {
    expect(parse('rules:\n  - type: not_null\n    column: Order Id\n')).toThrow(
      /^sql\/facts\/fact_sales\.dq\.yml: rules\[0\]\.column: must be a lower-case SQL identifier$/,
    );
    expect(parse('rules:\n  - type: not_nul\n    column: x\n')).toThrow(/rules\[0\]\.type: /);
    expect(parse('rules:\n  - name: r1\n    type: not_null\n    colum: x\n')).toThrow(
      /rules\[0\] \(r1\): unknown field colum/,
    );
    expect(parse('rules:\n  - type: unique\n    columns: [a]\n    severity: fatal\n')).toThrow(
      /rules\[0\]\.severity: /,
    );
    expect(parse('rules:\n  - type: not_null\n    column: a\n    mostly: 0.9\n    max_failing: 2\n')).toThrow(
      /rules\[0\]\.mostly: give either mostly or max_failing/,
    );
    expect(parse('rules:\n  - type: freshness\n    source: dwh.fact_sales\n    max_age: 1d\n')).toThrow(
      /rules\[0\]\.source: must be <source database>/,
    );
    expect(parse('rules:\n  - type: freshness\n    source: orders.orders\n    max_age: soon\n')).toThrow(
      /rules\[0\]\.max_age: /,
    );
    expect(parse('rules:\n  - type: expression_is_true\n    expression: a > 0\n')).toThrow(
      /rules\[0\]\.name: /,
    );
    expect(parse('rules: [\n')).toThrow(/fact_sales\.dq\.yml: not valid YAML/);
    expect(parse('rules:\n  - type: not_null\n    column: x\n')).not.toThrow(DqRuleFileError);
  });

  it('derives names and targets, and reads durations', () => {
    const [notNull, freshness] = parseRuleFile(
      'sql/dims/dim_customer.dq.yml',
      'rules:\n  - type: not_null\n    column: email\n  - type: freshness\n    source: orders.customers\n    max_age: 36h\n',
    );
    expect(notNull).toMatchObject({ name: 'dim_customer__email__not_null', target: 'dwh.dim_customer' });
    expect(freshness).toMatchObject({
      name: 'orders_customers__freshness',
      target: 'orders.customers',
      max_age: 129_600,
      severity: 'error',
    });
  });
});
