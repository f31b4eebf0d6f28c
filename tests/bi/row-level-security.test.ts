import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { seedDemoData } from '../../demo/index.ts';
import { createPipelineDeps, type PipelineDeps, runPipeline } from '../../pipeline/index.ts';
import { grantBiAccess, revokeBiAccess } from '../../warehouse/index.ts';
import { envFor, runCli } from '../cli/run-cli.ts';
import { createScratch, type Scratch } from '../support/scratch.ts';
import { TEST_TABLES } from '../support/warehouse-checks.ts';

const PASSWORD = 'bi-test-password';
const REGIONAL_CODES = ['UA-30', 'UA-05'];

/**
 * Issue 16: each BI role queried as itself, over a real PostgreSQL connection of its own login role.
 * The expected figures are computed independently, from the fact as the warehouse's owner.
 */
describe('row-level security by region', () => {
  let scratch: Scratch;
  let deps: PipelineDeps;
  const users: Record<'regional' | 'analyst' | 'admin' | 'revoked' | 'narrowed', string> = {
    regional: '',
    analyst: '',
    admin: '',
    revoked: '',
    narrowed: '',
  };
  const pools: pg.Pool[] = [];
  let regionKeysOf: Map<string, string>;

  function as(user: string): pg.Pool {
    const url = new URL(scratch.config.DWH_URL);
    url.username = encodeURIComponent(user);
    url.password = PASSWORD;
    const pool = new pg.Pool({ connectionString: url.toString(), max: 1 });
    pools.push(pool);
    return pool;
  }

  /** Revenue (net of revenue lines) per region code, from the fact, as the owner. */
  async function revenueByRegion(): Promise<Map<string, string>> {
    const { rows } = await deps.warehouse.query<{ region_code: string; revenue: string }>(
      `select r.region_code, sum(f.net_amount)::text as revenue
       from dwh.fact_sales f join dwh.dim_region r using (region_key)
       where f.is_revenue and f.deleted_at is null group by 1`,
    );
    return new Map(rows.map((r) => [r.region_code, r.revenue]));
  }

  const sumOf = (byRegion: Map<string, string>, codes: readonly string[]) =>
    codes.reduce((s, c) => s + Math.round(Number(byRegion.get(c) ?? 0) * 100), 0);

  /** Every total a regional user can ask for, through each view and table that has one. */
  async function revenueSeenBy(db: pg.Pool): Promise<Record<string, number>> {
    const queries: Record<string, string> = {
      'bi.sales': 'select sum(net_revenue) as v from bi.sales',
      'bi.sales_daily': 'select sum(net_revenue) as v from bi.sales_daily',
      'bi.sales_daily_by_category': 'select sum(net_revenue) as v from bi.sales_daily_by_category',
      'bi.sales_daily_by_manager': 'select sum(net_revenue) as v from bi.sales_daily_by_manager',
      'bi.sales_daily_by_payment_method':
        'select sum(net_revenue) as v from bi.sales_daily_by_payment_method',
      'bi.sales_daily_by_product': 'select sum(net_revenue) as v from bi.sales_daily_by_product',
      'dwh.fact_sales':
        'select sum(net_amount) as v from dwh.fact_sales where is_revenue and deleted_at is null',
      'dwh.agg_sales_daily_region': 'select sum(net_revenue) as v from dwh.agg_sales_daily_region',
    };
    const seen: Record<string, number> = {};
    for (const [name, sql] of Object.entries(queries)) {
      const { rows } = await db.query(sql);
      seen[name] = Math.round(Number(rows[0].v ?? 0) * 100);
    }
    return seen;
  }

  beforeAll(async () => {
    scratch = await createScratch();
    deps = createPipelineDeps(scratch.config);
    await seedDemoData(scratch.config, {
      scale: 0.05,
      seed: 'rls',
      anchorDay: '2026-11-20',
      reset: false,
      quiet: true,
    });
    await runPipeline(deps, { tables: TEST_TABLES, kind: 'incremental', trigger: 'test' });
    const { rows } = await deps.warehouse.query<{ region_code: string; region_key: string }>(
      'select region_code, region_key::text from dwh.dim_region',
    );
    regionKeysOf = new Map(rows.map((r) => [r.region_code, r.region_key]));
    for (const kind of Object.keys(users) as (keyof typeof users)[])
      users[kind] = `bi_${scratch.suffix}_${kind}`;
    const grant = (user: string, level: 'regional' | 'analyst' | 'admin', regions: string[]) =>
      grantBiAccess(deps.warehouse, { user, level, regions, password: PASSWORD, osUser: 'test' });
    await grant(users.regional, 'regional', REGIONAL_CODES);
    await grant(users.analyst, 'analyst', []);
    await grant(users.admin, 'admin', []);
    await grant(users.revoked, 'regional', ['UA-30']);
    await revokeBiAccess(deps.warehouse, { user: users.revoked, regions: [], osUser: 'test' });
    await grant(users.narrowed, 'regional', ['UA-30', 'UA-12']);
    await revokeBiAccess(deps.warehouse, { user: users.narrowed, regions: ['UA-30'], osUser: 'test' });
    await deps.warehouse.query('analyze dwh.fact_sales');
  });
  afterAll(async () => {
    await Promise.all(pools.map((p) => p.end()));
    await deps.close();
    await scratch.drop();
    // login roles belong to the server, not the scratch database
    const admin = new pg.Client({
      connectionString: scratch.config.DWH_URL.replace(/\/[^/]+$/, '/postgres'),
    });
    await admin.connect();
    for (const user of Object.values(users)) await admin.query(`drop role if exists "${user}"`);
    await admin.end();
  });

  it("a regional user's revenue through every view and table equals the fact's sum over their regions only", async () => {
    const expected = sumOf(await revenueByRegion(), REGIONAL_CODES);
    const all = sumOf(await revenueByRegion(), [...regionKeysOf.keys()]);
    expect(expected).toBeGreaterThan(0);
    expect(expected).toBeLessThan(all);
    const seen = await revenueSeenBy(as(users.regional));
    for (const [name, value] of Object.entries(seen)) expect([name, value]).toEqual([name, expected]);
    const { rows } = await as(users.regional).query(
      'select distinct region_code from bi.sales_daily order by 1',
    );
    expect(rows.map((r) => r.region_code)).toEqual([...REGIONAL_CODES].sort());
  });

  it('shows a regional user no other region through any relation, function, statistic or leaky function', async () => {
    const db = as(users.regional);
    const allowedKeys = new Set(REGIONAL_CODES.map((c) => regionKeysOf.get(c)!));
    const { rows: regionIds } = await deps.warehouse.query<{ region_id: string }>(
      'select region_id::text from dwh.dim_region where region_code = any ($1)',
      [REGIONAL_CODES],
    );
    const allowedIds = new Set(regionIds.map((r) => r.region_id));
    // every relation outside the system catalogues the user may select from
    const { rows: relations } = await db.query<{ name: string; columns: string[] }>(
      `select format('%I.%I', n.nspname, c.relname) as name,
              array(select attname::text from pg_attribute where attrelid = c.oid and attnum > 0 and not attisdropped) as columns
       from pg_class c join pg_namespace n on n.oid = c.relnamespace
       where c.relkind in ('r', 'v', 'm', 'p', 'f')
         and n.nspname not in ('pg_catalog', 'information_schema') and n.nspname !~ '^pg_toast'
         and has_table_privilege(c.oid, 'select')
       order by 1`,
    );
    const names = relations.map((r) => r.name);
    expect(names).toContain('dwh.fact_sales');
    expect(names).toContain('bi.sales');
    expect(names.filter((n) => /^(stg|etl|dq)\./.test(n))).toEqual([]);
    for (const { name, columns } of relations) {
      if (columns.includes('region_key')) {
        const { rows } = await db.query(`select distinct region_key::text as k from ${name}`);
        for (const r of rows) expect([name, allowedKeys.has(r.k)]).toEqual([name, true]);
      }
      if (columns.includes('region_id')) {
        const { rows } = await db.query(`select distinct region_id::text as k from ${name}`);
        for (const r of rows) expect([name, allowedIds.has(r.k)]).toEqual([name, true]);
      }
      if (columns.includes('region_code')) {
        const { rows } = await db.query(`select distinct region_code as k from ${name}`);
        for (const r of rows) expect([name, REGIONAL_CODES.includes(r.k)]).toEqual([name, true]);
      }
      if (columns.includes('user_name')) {
        const { rows } = await db.query(`select distinct user_name as k from ${name}`);
        expect(rows.map((r) => r.k)).toEqual([users.regional]);
      }
    }
    // no function of the project's schemas a user could call (trigger functions cannot be called)
    const { rows: functions } = await db.query(
      `select p.oid::regprocedure::text as f from pg_proc p join pg_namespace n on n.oid = p.pronamespace
       where n.nspname not in ('pg_catalog', 'information_schema') and has_function_privilege(p.oid, 'execute')
         and p.prorettype <> 'trigger'::regtype`,
    );
    expect(functions).toEqual([]);
    // the planner's statistics of a table under row-level security are hidden
    const { rows: stats } = await db.query(
      "select count(*)::int as n from pg_stats where schemaname = 'dwh' and tablename = 'fact_sales'",
    );
    expect(stats[0].n).toBe(0);
    // a function of the user's own that reports every row it is shown sees only allowed rows: the
    // policy is applied before any function that is not leakproof
    const client = await db.connect();
    const leaked: string[] = [];
    client.on('notice', (n) => leaked.push(n.message ?? ''));
    try {
      await client.query(
        `create function pg_temp.peek(k bigint) returns boolean language plpgsql cost 0.0001 as
         $$ begin raise notice '%', k; return true; end $$`,
      );
      await client.query('select count(*) from dwh.fact_sales where pg_temp.peek(region_key)');
    } finally {
      client.release();
    }
    expect(leaked.length).toBeGreaterThan(0);
    expect(new Set(leaked).size).toBeLessThanOrEqual(allowedKeys.size);
    for (const k of leaked) expect(allowedKeys.has(k)).toBe(true);
    // and it can change nothing
    await expect(db.query('delete from bi.region_access')).rejects.toThrow(/permission denied/);
    await expect(db.query('update dwh.fact_sales set net_amount = 0')).rejects.toThrow(/permission denied/);
    await expect(db.query('select * from etl.runs')).rejects.toThrow(/permission denied/);
  });

  it('an analyst and an admin see every region; the admin reads the audit', async () => {
    const byRegion = await revenueByRegion();
    const all = sumOf(byRegion, [...byRegion.keys()]);
    for (const user of [users.analyst, users.admin]) {
      const seen = await revenueSeenBy(as(user));
      for (const [name, value] of Object.entries(seen))
        expect([user, name, value]).toEqual([user, name, all]);
    }
    const { rows } = await as(users.admin).query(
      'select action, user_name, changed_by, os_user, changed_at is not null as stamped from bi.access_audit where user_name = $1 order by audit_id',
      [users.revoked],
    );
    const owner = new URL(scratch.config.DWH_URL).username;
    expect(rows).toEqual([
      { action: 'grant', user_name: users.revoked, changed_by: owner, os_user: 'test', stamped: true },
      { action: 'revoke', user_name: users.revoked, changed_by: owner, os_user: 'test', stamped: true },
    ]);
    await expect(as(users.analyst).query('select * from bi.access_audit')).rejects.toThrow(
      /permission denied/,
    );
  });

  it('a revoked user sees nothing; a user with a region revoked sees only the one left', async () => {
    await expect(as(users.revoked).query('select count(*) from bi.sales')).rejects.toThrow(
      /permission denied/,
    );
    await expect(as(users.revoked).query('select count(*) from dwh.fact_sales')).rejects.toThrow(
      /permission denied/,
    );
    const expected = sumOf(await revenueByRegion(), ['UA-12']);
    const seen = await revenueSeenBy(as(users.narrowed));
    for (const [name, value] of Object.entries(seen)) expect([name, value]).toEqual([name, expected]);
  });

  it('techmarket bi grant, users and revoke work from the command line, and bad input changes nothing', async () => {
    const env = envFor(scratch.config);
    const user = `bi_${scratch.suffix}_cli`;
    users[`cli` as keyof typeof users] = user; // dropped with the others
    const unknown = await runCli(['bi', 'grant', '--user', user, '--regions', 'UA-30,XX-99'], env);
    expect(unknown.code).not.toBe(0);
    expect(unknown.stderr).toMatch(/--regions: no region XX-99/);
    const missing = await runCli(['bi', 'grant', '--user', user], env);
    expect(missing.code).not.toBe(0);
    expect(missing.stderr).toMatch(/--regions is required/);
    const badName = await runCli(['bi', 'grant', '--user', 'bi_admin', '--role', 'analyst'], env);
    expect(badName.stderr).toMatch(/--user must not be one of the group roles/);
    const { rows: none } = await deps.warehouse.query(
      'select count(*)::int as n from pg_roles where rolname = $1',
      [user],
    );
    expect(none[0].n).toBe(0);

    const granted = await runCli(['bi', 'grant', '--user', user, '--regions', 'UA-05', '--json'], env);
    expect(granted.code).toBe(0);
    expect(JSON.parse(granted.stdout)).toMatchObject({ user, level: 'regional', createdLogin: true });
    const listed = await runCli(['bi', 'users', '--json'], env);
    const mine = (JSON.parse(listed.stdout) as { user: string; regions: string[]; level: string }[]).find(
      (u) => u.user === user,
    );
    expect(mine).toMatchObject({ level: 'regional', regions: ['UA-05'] });
    const revoked = await runCli(['bi', 'revoke', '--user', user], env);
    expect(revoked.code).toBe(0);
    expect(revoked.stdout).toMatch(/removed regions UA-05; roles bi_reader/);
    const again = await runCli(['bi', 'revoke', '--user', user], env);
    expect(again.code).not.toBe(0);
    expect(again.stderr).toMatch(/has no BI access: nothing changed/);
  });
});
