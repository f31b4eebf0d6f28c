import type pg from 'pg';
import { queryWarehouse, quoteName } from './read-only-queries.ts';

/**
 * A row-level rule as a predicate over its target table (aliased `t`). Rules on one table are counted
 * together in a single scan, so twenty rules on fact_sales read it once, not twenty times.
 */
export interface RowPredicate {
  /** Unique among the predicates of one DQ run: the rule name. */
  id: string;
  /** Only rows matching this count (SQL over `t`). */
  where?: string;
  /** True for a failing row; `ref` is the referenced column when `lookup` is set. */
  failing(ref: string): string;
  /** True for a row on the unknown member, counted apart. */
  unknown?: string;
  /** A referenced table the predicate looks keys up in (relationships). */
  lookup?: { table: string; field: string; column: string };
}

export interface RowCounts {
  total: number;
  failing: number;
  unknown: number;
  /** The validated foreign key that makes the lookup's orphans impossible, when there is one. */
  enforcedBy?: string;
}

const TARGET_ALIAS = 't';

export class TableScans {
  private readonly planned = new Map<string, RowPredicate[]>();
  private readonly scans = new Map<string, Promise<Map<string, RowCounts>>>();
  private readonly running = new Set<string>();
  private readonly runFilters = new Map<string, Promise<string>>();

  /**
   * `scopeRunId`: count only the rows that ETL run wrote (`etl_run_id`), on tables that have the
   * column; null counts every row.
   */
  constructor(
    private readonly warehouse: pg.Pool,
    private readonly scopeRunId: number | null = null,
  ) {}

  /** Announces a predicate before the checks run, so that its table's one scan includes it. */
  plan(target: string, predicate: RowPredicate): void {
    const list = this.planned.get(target) ?? [];
    list.push(predicate);
    this.planned.set(target, list);
  }

  /** The predicate's counts, from its table's shared scan (run on first use). */
  async counts(target: string, predicate: RowPredicate): Promise<RowCounts> {
    let scan = this.scans.get(target);
    if (!scan) {
      scan = this.scan(target, this.planned.get(target) ?? [predicate]);
      this.scans.set(target, scan);
      this.running.add(target);
      const settled = () => this.running.delete(target);
      scan.then(settled, settled);
    }
    const shared = await scan.catch(() => undefined);
    const counts = shared?.get(predicate.id);
    if (counts) return counts;
    // The shared scan failed (one rule's bad SQL fails them all) or missed this predicate: count it
    // alone, so each rule gets its own result or its own error.
    return (await this.scan(target, [predicate])).get(predicate.id)!;
  }

  /** Whether the rule's counts come from a scan of `target` that is running now (so it would wait). */
  waitsOnRunningScan(target: string, ruleName: string): boolean {
    return this.running.has(target) && (this.planned.get(target) ?? []).some((p) => p.id === ruleName);
  }

  /** Up to `limit` rows of the target matching the predicate's `where` and `condition`. */
  async sample(
    target: string,
    predicate: RowPredicate,
    condition: (ref: string) => string,
    limit: number,
  ): Promise<Record<string, unknown>[]> {
    const join = predicate.lookup ? lookupJoin(predicate.lookup, 0) : '';
    const scope = await this.runFilter(target);
    const rows = await queryWarehouse<{ row: Record<string, unknown> }>(
      this.warehouse,
      `select to_jsonb(${TARGET_ALIAS}) as row from ${quoteName(target)} ${TARGET_ALIAS} ${join}
       where (${scope}) and (${predicate.where ?? 'true'}) and (${condition(refColumn(0))}) limit ${limit}`,
    );
    return rows.map((r) => r.row);
  }

  private async scan(target: string, predicates: readonly RowPredicate[]): Promise<Map<string, RowCounts>> {
    const foreignKeys = predicates.some((p) => p.lookup)
      ? await validatedForeignKeys(this.warehouse, target)
      : [];
    const enforcedBy = predicates.map((p) => {
      const { lookup } = p;
      if (!lookup) return undefined;
      return foreignKeys.find(
        (fk) => fk.column === lookup.column && fk.referenced === lookup.table && fk.field === lookup.field,
      )?.name;
    });
    // Rules share their aggregates: one `total` per distinct `where`, and none for a condition that
    // is constant false. Forty aggregates over millions of rows cost more than the scan itself.
    const aggregates = new Map<string, string>();
    const aggregate = (condition: string): string => {
      if (condition === '(false)') return '0';
      let alias = aggregates.get(condition);
      if (!alias) {
        alias = `c_${aggregates.size}`;
        aggregates.set(condition, alias);
      }
      return alias;
    };
    const joins: string[] = [];
    const columns = predicates.map((p, i) => {
      const where = `(${p.where ?? 'true'})`;
      // PostgreSQL already guarantees a validated foreign key: no join, no orphans to count.
      const failing = enforcedBy[i] ? 'false' : p.failing(refColumn(i));
      if (p.lookup && !enforcedBy[i]) joins.push(lookupJoin(p.lookup, i));
      return {
        total: aggregate(where),
        failing: aggregate(failing === 'false' ? '(false)' : `${where} and (${failing})`),
        unknown: aggregate(p.unknown === undefined ? '(false)' : `${where} and (${p.unknown})`),
      };
    });
    const selects = [...aggregates].map(([condition, alias]) =>
      condition === '(true)' ? `count(*) as ${alias}` : `count(*) filter (where ${condition}) as ${alias}`,
    );
    const scope = await this.runFilter(target);
    const [row] = await queryWarehouse(
      this.warehouse,
      `select ${selects.length > 0 ? selects.join(', ') : '1'} from ${quoteName(target)} ${TARGET_ALIAS} ${joins.join(' ')}
       where ${scope}`,
      [],
      // A full check's scan of the fact is the gate's long pole (every row, every rule of the table,
      // the lookups): PostgreSQL's workers split it where the planner finds the table big enough.
      { parallel: this.scopeRunId === null },
    );
    const count = (alias: string) => (alias === '0' ? 0 : Number(row![alias]));
    return new Map(
      predicates.map((p, i) => [
        p.id,
        {
          total: count(columns[i]!.total),
          failing: count(columns[i]!.failing),
          unknown: count(columns[i]!.unknown),
          ...(enforcedBy[i] ? { enforcedBy: enforcedBy[i] } : {}),
        },
      ]),
    );
  }

  /** The run-scope condition over `t`: `true` for every row, or the rows of the scoped run. */
  private runFilter(target: string): Promise<string> {
    const runId = this.scopeRunId;
    if (runId === null) return Promise.resolve('true');
    let filter = this.runFilters.get(target);
    if (!filter) {
      filter = hasRunColumn(this.warehouse, target).then((has) =>
        has ? `${TARGET_ALIAS}.etl_run_id = ${Math.trunc(runId)}` : 'true',
      );
      this.runFilters.set(target, filter);
    }
    return filter;
  }
}

/** Whether the table records the ETL run that wrote each row. */
export async function hasRunColumn(warehouse: pg.Pool, target: string): Promise<boolean> {
  const rows = await queryWarehouse(
    warehouse,
    `select 1 from pg_attribute
     where attrelid = to_regclass($1) and attname = 'etl_run_id' and attnum > 0 and not attisdropped`,
    [target],
  );
  return rows.length > 0;
}

const refColumn = (i: number) => `_dq_lookup_${i}._dq_ref`;

/** Distinct keys of the referenced table, so a non-unique field cannot multiply the target's rows. */
function lookupJoin(lookup: NonNullable<RowPredicate['lookup']>, i: number): string {
  return `left join (select distinct ${quoteName(lookup.field)} as _dq_ref from ${quoteName(lookup.table)}) _dq_lookup_${i}
    on _dq_lookup_${i}._dq_ref = ${TARGET_ALIAS}.${quoteName(lookup.column)}`;
}

interface ForeignKey {
  name: string;
  column: string;
  referenced: string;
  field: string;
}

/** Single-column foreign keys of the table that PostgreSQL has validated. */
async function validatedForeignKeys(warehouse: pg.Pool, target: string): Promise<ForeignKey[]> {
  return queryWarehouse<ForeignKey & pg.QueryResultRow>(
    warehouse,
    `select c.conname as name, a.attname as column, format('%s.%s', n.nspname, r.relname) as referenced,
            fa.attname as field
     from pg_constraint c
     join pg_attribute a on a.attrelid = c.conrelid and a.attnum = c.conkey[1]
     join pg_class r on r.oid = c.confrelid
     join pg_namespace n on n.oid = r.relnamespace
     join pg_attribute fa on fa.attrelid = c.confrelid and fa.attnum = c.confkey[1]
     where c.contype = 'f' and c.convalidated and c.conrelid = to_regclass($1) and cardinality(c.conkey) = 1`,
    [target],
  );
}
