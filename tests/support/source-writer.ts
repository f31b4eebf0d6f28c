import type { Pool, ResultSetHeader } from 'mysql2/promise';
import { createPool } from 'mysql2/promise';
import { type Config, type SourceDatabase, sourceUrl } from '../../core/config.ts';

/**
 * Writes source rows the way the services do (plain SQL, updated_at left to the database unless a test
 * pins it), for building small, exact scenarios in scratch databases.
 */
export class SourceWriter {
  private readonly pools = new Map<SourceDatabase, Pool>();

  constructor(private readonly config: Config) {}

  pool(db: SourceDatabase): Pool {
    let pool = this.pools.get(db);
    if (!pool) {
      pool = createPool({
        uri: sourceUrl(this.config, db),
        connectionLimit: 4,
        dateStrings: true,
        timezone: 'Z',
      });
      pool.on('connection', (c) => c.query("SET time_zone = '+00:00'"));
      this.pools.set(db, pool);
    }
    return pool;
  }

  async exec(db: SourceDatabase, sql: string, values: unknown[] = []): Promise<ResultSetHeader> {
    const [result] = await this.pool(db).query<ResultSetHeader>(sql, values);
    return result;
  }

  async rows<T>(db: SourceDatabase, sql: string, values: unknown[] = []): Promise<T[]> {
    const [rows] = await this.pool(db).query(sql, values);
    return rows as T[];
  }

  async insert(db: SourceDatabase, table: string, row: Record<string, unknown>): Promise<number> {
    const columns = Object.keys(row);
    const result = await this.exec(
      db,
      `INSERT INTO \`${table}\` (${columns.map((c) => `\`${c}\``).join(', ')}) VALUES (${columns.map(() => '?').join(', ')})`,
      Object.values(row),
    );
    return result.insertId;
  }

  async close(): Promise<void> {
    await Promise.all([...this.pools.values()].map((p) => p.end()));
  }
}

/** A small, complete shop: 2 regions, 2 managers, categories, products, customers. */
export async function seedSmallShop(
  w: SourceWriter,
): Promise<{ regions: number[]; employees: number[]; customers: number[]; products: number[] }> {
  const regions = [
    await w.insert('orders', 'regions', { code: 'KYIV', name: 'Київ' }),
    await w.insert('orders', 'regions', { code: 'LVIV', name: 'Львівська область' }),
  ];
  const employees = [
    await w.insert('orders', 'employees', {
      full_name: 'Олена Коваль',
      email: 'olena@techmarket.ua',
      region_id: regions[0],
    }),
    await w.insert('orders', 'employees', {
      full_name: "Ivan O'Neil",
      email: 'ivan@techmarket.ua',
      region_id: regions[1],
    }),
  ];
  const top = await w.insert('catalog', 'categories', { name: 'Електроніка', slug: 'electronics' });
  const phones = await w.insert('catalog', 'categories', {
    parent_id: top,
    name: 'Смартфони',
    slug: 'phones',
  });
  const products = [
    await w.insert('catalog', 'products', {
      sku: 'P-1',
      name: 'Phone "One"',
      category_id: phones,
      price: '19999.99',
    }),
    await w.insert('catalog', 'products', {
      sku: 'P-2',
      name: 'Чохол\tз табом\\слеш',
      category_id: phones,
      price: '299.50',
    }),
  ];
  const customers = [
    await w.insert('orders', 'customers', {
      email: 'a@x.ua',
      full_name: 'Андрій Шевченко',
      region_id: regions[0],
      manager_id: employees[0],
      city: 'Київ',
    }),
    await w.insert('orders', 'customers', {
      email: 'b@x.ua',
      full_name: "Mary-Ann O'Brien",
      region_id: regions[1],
      manager_id: employees[1],
      city: 'Lviv\nnew line',
    }),
  ];
  return { regions, employees, customers, products };
}

/** An order with lines; `paid` adds a succeeded payment. Returns the order id and line ids. */
export async function placeOrder(
  w: SourceWriter,
  order: {
    customerId: number;
    employeeId: number;
    createdAt?: string;
    status?: string;
    lines: { productId: number; quantity: number; unitPrice: string; discount?: string }[];
    paidWith?: string;
  },
): Promise<{ orderId: number; itemIds: number[] }> {
  const subtotal = order.lines.reduce((s, l) => s + l.quantity * Number(l.unitPrice), 0);
  const discount = order.lines.reduce((s, l) => s + Number(l.discount ?? 0), 0);
  const orderId = await w.insert('orders', 'orders', {
    customer_id: order.customerId,
    employee_id: order.employeeId,
    status: order.status ?? (order.paidWith ? 'paid' : 'pending_payment'),
    subtotal_amount: subtotal.toFixed(2),
    discount_amount: discount.toFixed(2),
    total_amount: (subtotal - discount).toFixed(2),
    ...(order.createdAt ? { created_at: order.createdAt } : {}),
  });
  const itemIds: number[] = [];
  for (const line of order.lines) {
    itemIds.push(
      await w.insert('orders', 'order_items', {
        order_id: orderId,
        product_id: line.productId,
        quantity: line.quantity,
        unit_price: line.unitPrice,
        discount_amount: line.discount ?? '0.00',
        ...(order.createdAt ? { created_at: order.createdAt } : {}),
      }),
    );
  }
  if (order.paidWith) {
    await w.insert('payments', 'payments', {
      order_id: orderId,
      amount: (subtotal - discount).toFixed(2),
      currency: 'UAH',
      method: order.paidWith,
      status: 'succeeded',
      psp_reference: `psp-${orderId}`,
      idempotency_key: `idem-${orderId}-${Math.random()}`,
    });
  }
  return { orderId, itemIds };
}
