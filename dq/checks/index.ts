import type { RuleType } from '../rules/rule-schema.ts';
import type { RuleCheck } from '../run/check-context.ts';
import { acceptedValuesCheck } from './accepted-values.ts';
import { customSqlCheck } from './custom-sql.ts';
import { expressionIsTrueCheck } from './expression-is-true.ts';
import { freshnessCheck } from './freshness.ts';
import { notNullCheck } from './not-null.ts';
import { rowCountReconciliationCheck, sumReconciliationCheck } from './reconciliation.ts';
import { relationshipsCheck } from './relationships.ts';
import { scd2IntegrityCheck } from './scd2-integrity.ts';
import { uniqueCheck } from './unique.ts';

/** How each rule type is checked: one module per type. */
export const CHECKS: { [T in RuleType]: RuleCheck<T> } = {
  not_null: notNullCheck,
  unique: uniqueCheck,
  accepted_values: acceptedValuesCheck,
  relationships: relationshipsCheck,
  freshness: freshnessCheck,
  row_count_reconciliation: rowCountReconciliationCheck,
  sum_reconciliation: sumReconciliationCheck,
  scd2_integrity: scd2IntegrityCheck,
  expression_is_true: expressionIsTrueCheck,
  custom_sql: customSqlCheck,
};
