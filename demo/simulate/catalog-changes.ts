import { productName } from '../generate/catalog.ts';
import { formatKopecks, parseKopecks } from '../money.ts';
import { TEMPLATES_BY_SLUG } from '../reference/leaf-templates.ts';
import { type DayContext, execute, randomIds, sample, selectRows } from './day-context.ts';

interface ProductRow {
  id: string;
  name: string;
  price: string;
  category_id: string;
  slug: string;
}

/**
 * The catalogue team's day: some prices move (by 3–15%, up or down, ending in 9 as shelf prices do),
 * a few products are renamed (a new variant of the line) and a few move to another leaf category.
 * Each product changes in one way at most per day.
 */
export async function changeCatalog(ctx: DayContext): Promise<void> {
  const { random, volumes, db } = ctx;
  const wanted = volumes.repricedProducts + volumes.renamedProducts + volumes.movedProducts;
  const [{ maxId } = { maxId: 0 }] = await selectRows<{ maxId: number }>(
    db.catalog,
    'select coalesce(max(id), 0) as maxId from products',
  );
  const ids = randomIds(random, Number(maxId), wanted);
  if (ids.length === 0) return;
  const products = await selectRows<ProductRow>(
    db.catalog,
    `select p.id, p.name, p.price, p.category_id, c.slug from products p
       join categories c on c.id = p.category_id where p.id in (?) order by p.id`,
    [ids],
  );
  const leaves = await selectRows<{ id: string }>(
    db.catalog,
    'select id from categories c where not exists (select 1 from categories k where k.parent_id = c.id) order by id',
  );
  const chosen = sample(random, products, products.length);
  const repriced = chosen.slice(0, volumes.repricedProducts);
  const renamed = chosen.slice(repriced.length, repriced.length + volumes.renamedProducts);
  const moved = chosen.slice(repriced.length + renamed.length);

  for (const product of repriced) {
    const old = parseKopecks(product.price);
    const factor = 1 + (random.chance(0.5) ? 1 : -1) * random.float(0.03, 0.15);
    const hryvnias = Math.max(9, Math.round((old * factor) / 1000) * 10 - 1);
    const price = hryvnias * 100 === old ? hryvnias * 100 + 1000 : hryvnias * 100;
    const result = await execute(db.catalog, 'update products set price = ? where id = ?', [
      formatKopecks(price),
      product.id,
    ]);
    ctx.counts.products_repriced += result.changedRows;
  }
  for (const product of renamed) {
    const template = TEMPLATES_BY_SLUG.get(product.slug);
    let name = template ? productName(random, template) : `${product.name} (нова версія)`;
    if (name === product.name) name = `${name} (оновлено)`;
    const result = await execute(db.catalog, 'update products set name = ? where id = ?', [name, product.id]);
    ctx.counts.products_renamed += result.changedRows;
  }
  for (const product of moved) {
    const destinations = leaves.filter((leaf) => leaf.id !== product.category_id);
    if (destinations.length === 0) continue;
    const result = await execute(db.catalog, 'update products set category_id = ? where id = ?', [
      random.pick(destinations).id,
      product.id,
    ]);
    ctx.counts.products_recategorized += result.changedRows;
  }
}
