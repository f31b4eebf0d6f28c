import type { Config } from '../../core/config.ts';
import { createProgress } from '../../core/progress.ts';
import {
  type AuthTable,
  createAuthIds,
  generateStaffAccounts,
  LOGIN_AUDIT_COLUMNS,
  PASSWORD_RESET_COLUMNS,
  REFRESH_TOKEN_COLUMNS,
  ROLE_COLUMNS,
  USER_COLUMNS,
  USER_ROLE_COLUMNS,
} from '../generate/auth-accounts.ts';
import { CATEGORY_COLUMNS, generateCatalog, PRODUCT_COLUMNS } from '../generate/catalog.ts';
import { CUSTOMER_COLUMNS, generateCustomers } from '../generate/customers.ts';
import { DISCOUNT_COLUMNS, generateDiscounts } from '../generate/discounts.ts';
import { NOTIFICATION_COLUMNS, OUTBOX_COLUMNS, PROCESSED_EVENT_COLUMNS } from '../generate/order-events.ts';
import { PAYMENT_COLUMNS } from '../generate/order-payments.ts';
import { generateOrders, ORDER_COLUMNS, ORDER_ITEM_COLUMNS, type OrderTable } from '../generate/orders.ts';
import { createSeedWorld, type SeedWorld } from '../generate/seed-world.ts';
import { EMPLOYEE_COLUMNS, generateStaff, REGION_COLUMNS } from '../generate/staff.ts';
import { closeSourcePools, openSourcePools, type SourcePools } from '../source-pools.ts';
import { type BulkTarget, openBulkLoad } from '../writer/bulk-load.ts';
import type { GeneratorOutput } from '../writer/row-sink.ts';
import { planSeed, type SeedOptions } from './seed-plan.ts';
import { prepareForSeed } from './source-tables.ts';

export interface SeedRunOptions extends SeedOptions {
  /** Empty the five source databases first; without it, seeding non-empty databases is refused. */
  reset: boolean;
  /** No progress output (--json, tests). */
  quiet?: boolean;
}

export interface SeedResult {
  scale: number;
  seed: string;
  anchorDay: string;
  tables: { table: string; rows: number }[];
  rows: number;
  seconds: number;
  rowsPerSecond: number;
}

const AUTH_TARGETS: Record<AuthTable, BulkTarget> = {
  roles: { database: 'auth', table: 'roles', columns: ROLE_COLUMNS },
  users: { database: 'auth', table: 'users', columns: USER_COLUMNS },
  user_roles: { database: 'auth', table: 'user_roles', columns: USER_ROLE_COLUMNS },
  refresh_tokens: { database: 'auth', table: 'refresh_tokens', columns: REFRESH_TOKEN_COLUMNS },
  password_resets: { database: 'auth', table: 'password_resets', columns: PASSWORD_RESET_COLUMNS },
  login_audit: { database: 'auth', table: 'login_audit', columns: LOGIN_AUDIT_COLUMNS },
};

const ORDER_TARGETS: Record<OrderTable, BulkTarget> = {
  orders: { database: 'orders', table: 'orders', columns: ORDER_COLUMNS },
  order_items: { database: 'orders', table: 'order_items', columns: ORDER_ITEM_COLUMNS },
  outbox: { database: 'orders', table: 'outbox', columns: OUTBOX_COLUMNS },
  payments: { database: 'payments', table: 'payments', columns: PAYMENT_COLUMNS },
  notifications: { database: 'notifications', table: 'notifications', columns: NOTIFICATION_COLUMNS },
  processed_events: {
    database: 'notifications',
    table: 'processed_events',
    columns: PROCESSED_EVENT_COLUMNS,
  },
};

/**
 * Fills the five source databases with demo data in three passes — catalogue and staff, customers,
 * orders — each streaming its tables through LOAD DATA side by side.
 */
export async function seedDemoData(cfg: Config, options: SeedRunOptions): Promise<SeedResult> {
  const plan = planSeed(options);
  const world = createSeedWorld(plan);
  const pools = openSourcePools(cfg, 8);
  const progress = createProgress('seed: preparing', {
    total: plan.estimatedRows,
    quiet: options.quiet ?? false,
  });
  const loaded = new Map<string, number>();
  try {
    await prepareForSeed(pools, options.reset);
    const authIds = createAuthIds();

    progress.label('seed: catalogue and staff');
    await runPass(
      pools,
      loaded,
      (n) => progress.add(n),
      {
        regions: { database: 'orders', table: 'regions', columns: REGION_COLUMNS },
        employees: { database: 'orders', table: 'employees', columns: EMPLOYEE_COLUMNS },
        discounts: { database: 'orders', table: 'discounts', columns: DISCOUNT_COLUMNS },
        categories: { database: 'catalog', table: 'categories', columns: CATEGORY_COLUMNS },
        products: { database: 'catalog', table: 'products', columns: PRODUCT_COLUMNS },
        ...AUTH_TARGETS,
      },
      async (out) => {
        await generateStaff(world, out);
        await generateDiscounts(world, out);
        await generateCatalog(world, out);
        await generateStaffAccounts(world, authIds, out);
      },
    );

    progress.label('seed: customers');
    const { roles: _roles, ...accountTargets } = AUTH_TARGETS;
    await runPass(
      pools,
      loaded,
      (n) => progress.add(n),
      {
        customers: { database: 'orders', table: 'customers', columns: CUSTOMER_COLUMNS },
        ...accountTargets,
      },
      (out) => generateCustomers(world, authIds, out),
    );

    progress.label('seed: orders');
    await runPass(
      pools,
      loaded,
      (n) => progress.add(n),
      ORDER_TARGETS,
      (out) => generateOrders(world, out),
    );

    const { rows, seconds } = progress.done();
    return summarize(world, loaded, rows, seconds);
  } catch (error) {
    progress.done();
    throw error;
  } finally {
    await closeSourcePools(pools);
  }
}

async function runPass<T extends string>(
  pools: SourcePools,
  loaded: Map<string, number>,
  onSent: (rows: number) => void,
  targets: Record<T, BulkTarget>,
  generate: (out: GeneratorOutput<T>) => Promise<void>,
): Promise<void> {
  const load = await openBulkLoad(pools, targets, onSent);
  try {
    await generate(load);
    const counts = await load.finish();
    for (const table of Object.keys(counts) as T[]) {
      const key = `${targets[table].database}.${targets[table].table}`;
      loaded.set(key, (loaded.get(key) ?? 0) + counts[table]);
    }
  } catch (error) {
    load.abort();
    throw error;
  }
}

function summarize(world: SeedWorld, loaded: Map<string, number>, rows: number, seconds: number): SeedResult {
  const tables = [...loaded.entries()].map(([table, count]) => ({ table, rows: count }));
  return {
    scale: world.plan.scale,
    seed: world.plan.seed,
    anchorDay: world.plan.anchorDay,
    tables,
    rows,
    seconds: Number(seconds.toFixed(2)),
    rowsPerSecond: Math.round(rows / Math.max(seconds, 1e-9)),
  };
}
