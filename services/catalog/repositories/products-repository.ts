import type { Kysely, SelectQueryBuilder } from 'kysely';
import type { CatalogDatabase } from '../database.ts';
import type { ProductSort } from '../schemas/catalog.ts';

export interface ProductRow {
  id: number;
  sku: string;
  name: string;
  description: string | null;
  categoryId: number;
  price: string;
  currency: string;
  active: boolean;
  updatedAt: string;
}

export interface ProductFilter {
  categoryIds?: string[];
  minPrice?: string;
  maxPrice?: string;
  q?: string;
  includeInactive: boolean;
  sort: ProductSort;
  limit: number;
  /** The last row of the previous page: its sort value and id. */
  after?: { value: string; id: number };
}

const COLUMNS = [
  'id',
  'sku',
  'name',
  'description',
  'category_id',
  'price',
  'currency',
  'active',
  'updated_at',
] as const;

type Raw = {
  id: string;
  sku: string;
  name: string;
  description: string | null;
  category_id: string;
  price: string;
  currency: string;
  active: number;
  updated_at: string;
};

const toRow = (r: Raw): ProductRow => ({
  id: Number(r.id),
  sku: r.sku,
  name: r.name,
  description: r.description,
  categoryId: Number(r.category_id),
  price: r.price,
  currency: r.currency,
  active: Boolean(Number(r.active)),
  updatedAt: r.updated_at,
});

/** Which column a sort orders by, and in which direction (ties broken by id the same way). */
const SORT_COLUMN: Record<ProductSort, { column: 'id' | 'price' | 'name' | 'updated_at'; desc: boolean }> = {
  id: { column: 'id', desc: false },
  price: { column: 'price', desc: false },
  '-price': { column: 'price', desc: true },
  name: { column: 'name', desc: false },
  '-updatedAt': { column: 'updated_at', desc: true },
};

/** The value of a row that a keyset cursor remembers for a sort. */
export function sortValue(row: ProductRow, sort: ProductSort): string {
  const { column } = SORT_COLUMN[sort];
  if (column === 'id') return String(row.id);
  if (column === 'updated_at') return row.updatedAt;
  return column === 'price' ? row.price : row.name;
}

const escapeLike = (text: string) => text.replace(/[\\%_]/g, (c) => `\\${c}`);

export function createProductsRepository(db: Kysely<CatalogDatabase>) {
  return {
    /** One page in keyset order: no OFFSET, so page 1000 costs what page 1 costs. */
    async list(filter: ProductFilter): Promise<ProductRow[]> {
      const { column, desc } = SORT_COLUMN[filter.sort];
      let query: SelectQueryBuilder<CatalogDatabase, 'products', Raw> = db
        .selectFrom('products')
        .select(COLUMNS);
      if (!filter.includeInactive) query = query.where('active', '=', 1);
      if (filter.categoryIds) query = query.where('category_id', 'in', filter.categoryIds);
      if (filter.minPrice) query = query.where('price', '>=', filter.minPrice);
      if (filter.maxPrice) query = query.where('price', '<=', filter.maxPrice);
      if (filter.q) {
        for (const word of filter.q.split(/\s+/).slice(0, 5)) {
          query = query.where('name', 'like', `%${escapeLike(word)}%`);
        }
      }
      if (filter.after) {
        const { value, id } = filter.after;
        const op = desc ? '<' : '>';
        query = query.where((eb) =>
          column === 'id'
            ? eb('id', op, String(id))
            : eb.or([eb(column, op, value), eb.and([eb(column, '=', value), eb('id', op, String(id))])]),
        );
      }
      const direction = desc ? 'desc' : 'asc';
      if (column !== 'id') query = query.orderBy(column, direction);
      return (await query.orderBy('id', direction).limit(filter.limit).execute()).map(toRow);
    },
    async byId(id: number): Promise<ProductRow | undefined> {
      const row = await db
        .selectFrom('products')
        .select(COLUMNS)
        .where('id', '=', String(id))
        .executeTakeFirst();
      return row ? toRow(row) : undefined;
    },
    async byIds(ids: number[]): Promise<ProductRow[]> {
      const rows = await db
        .selectFrom('products')
        .select(COLUMNS)
        .where('id', 'in', ids.map(String))
        .execute();
      return rows.map(toRow);
    },
    async create(p: Omit<ProductRow, 'id' | 'updatedAt'>): Promise<number> {
      const result = await db
        .insertInto('products')
        .values({
          sku: p.sku,
          name: p.name,
          description: p.description,
          category_id: String(p.categoryId),
          price: p.price,
          currency: p.currency,
          active: p.active ? 1 : 0,
        })
        .executeTakeFirstOrThrow();
      return Number(result.insertId);
    },
    async update(id: number, p: Partial<Omit<ProductRow, 'id' | 'sku' | 'updatedAt'>>): Promise<void> {
      await db
        .updateTable('products')
        .set({
          ...(p.name !== undefined ? { name: p.name } : {}),
          ...(p.description !== undefined ? { description: p.description } : {}),
          ...(p.categoryId !== undefined ? { category_id: String(p.categoryId) } : {}),
          ...(p.price !== undefined ? { price: p.price } : {}),
          ...(p.currency !== undefined ? { currency: p.currency } : {}),
          ...(p.active !== undefined ? { active: p.active ? 1 : 0 } : {}),
        })
        .where('id', '=', String(id))
        .execute();
    },
  };
}
export type ProductsRepository = ReturnType<typeof createProductsRepository>;
