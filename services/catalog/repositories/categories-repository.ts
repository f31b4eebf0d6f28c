import { type Kysely, sql } from 'kysely';
import type { CatalogDatabase } from '../database.ts';

export interface CategoryRow {
  id: number;
  parentId: number | null;
  name: string;
  slug: string;
  updatedAt: string;
}

export function createCategoriesRepository(db: Kysely<CatalogDatabase>) {
  const columns = ['id', 'parent_id', 'name', 'slug', 'updated_at'] as const;
  const toRow = (r: {
    id: string;
    parent_id: string | null;
    name: string;
    slug: string;
    updated_at: string;
  }) => ({
    id: Number(r.id),
    parentId: r.parent_id === null ? null : Number(r.parent_id),
    name: r.name,
    slug: r.slug,
    updatedAt: r.updated_at,
  });
  return {
    async all(): Promise<CategoryRow[]> {
      return (await db.selectFrom('categories').select(columns).orderBy('id').execute()).map(toRow);
    },
    async byId(id: number): Promise<CategoryRow | undefined> {
      const row = await db
        .selectFrom('categories')
        .select(columns)
        .where('id', '=', String(id))
        .executeTakeFirst();
      return row ? toRow(row) : undefined;
    },
    /** The category and every one below it (recursive CTE: the tree is a few hundred rows). */
    async subtreeIds(id: number): Promise<string[]> {
      const result = await sql<{ id: string }>`
        with recursive subtree as (
          select id from categories where id = ${String(id)}
          union all
          select c.id from categories c join subtree s on c.parent_id = s.id
        )
        select id from subtree`.execute(db);
      return result.rows.map((r) => String(r.id));
    },
    /** Whether `ancestor` is `id` itself or above it: a move under one's own subtree makes a loop. */
    async isInSubtree(ancestor: number, id: number): Promise<boolean> {
      return (await this.subtreeIds(ancestor)).includes(String(id));
    },
    async create(c: { name: string; slug: string; parentId: number | null }): Promise<number> {
      const result = await db
        .insertInto('categories')
        .values({ name: c.name, slug: c.slug, parent_id: c.parentId === null ? null : String(c.parentId) })
        .executeTakeFirstOrThrow();
      return Number(result.insertId);
    },
    async update(id: number, c: { name?: string; slug?: string; parentId?: number | null }): Promise<void> {
      await db
        .updateTable('categories')
        .set({
          ...(c.name !== undefined ? { name: c.name } : {}),
          ...(c.slug !== undefined ? { slug: c.slug } : {}),
          ...(c.parentId !== undefined ? { parent_id: c.parentId === null ? null : String(c.parentId) } : {}),
        })
        .where('id', '=', String(id))
        .execute();
    },
  };
}
export type CategoriesRepository = ReturnType<typeof createCategoriesRepository>;
