import { formatKopecks } from '../money.ts';
import type { SeededRandom } from '../random/seeded-random.ts';
import { CATEGORY_TREE, type CategoryNode, type ProductTemplate } from '../reference/catalog-tree.ts';
import { formatDatetime, MICROS_PER_DAY } from '../time/timestamps.ts';
import type { GeneratorOutput } from '../writer/row-sink.ts';
import type { SeedWorld } from './seed-world.ts';

export const CATEGORY_COLUMNS = ['id', 'created_at', 'updated_at', 'parent_id', 'name', 'slug'] as const;
export const PRODUCT_COLUMNS = [
  'id',
  'created_at',
  'updated_at',
  'sku',
  'name',
  'description',
  'category_id',
  'price',
  'currency',
  'active',
] as const;

/** Share of the catalogue listed before the order window opens; the rest launches during it. */
const LISTED_BEFORE_WINDOW = 0.7;

/** The category tree (parents before children) and the products on its leaves. */
export async function generateCatalog(
  world: SeedWorld,
  out: GeneratorOutput<'categories' | 'products'>,
): Promise<void> {
  const random = world.random('catalog');
  const { anchorMicros, windowStartMicros } = world.plan;
  const catalogueOpened = windowStartMicros - 2 * 365 * MICROS_PER_DAY;
  let nextId = 1;
  const visit = (node: CategoryNode, parentId: number | null) => {
    const id = nextId++;
    const created = catalogueOpened - random.int(30, 400) * MICROS_PER_DAY;
    const updated = random.chance(0.2) ? created + random.int(1, 900) * MICROS_PER_DAY : created;
    out.sinks.categories.push([
      id,
      formatDatetime(created),
      formatDatetime(updated),
      parentId,
      node.name,
      node.slug,
    ]);
    if (node.products) world.leafCategories.push({ id, template: node.products });
    for (const child of node.children ?? []) visit(child, id);
  };
  for (const root of CATEGORY_TREE) visit(root, null);

  const count = world.plan.products;
  const priceKopecks = new Int32Array(count);
  const createdMicros = new Float64Array(count);
  const windowMicros = anchorMicros - windowStartMicros;
  for (let index = 0; index < count; index++) {
    const id = index + 1;
    // Stratified so ids rise with listing time, as an auto-increment key would.
    const p = (index + random.next()) / count;
    const created =
      p < LISTED_BEFORE_WINDOW
        ? catalogueOpened + Math.floor((p / LISTED_BEFORE_WINDOW) * (windowStartMicros - catalogueOpened))
        : windowStartMicros +
          Math.floor(((p - LISTED_BEFORE_WINDOW) / (1 - LISTED_BEFORE_WINDOW)) * windowMicros);
    const category = random.pick(world.leafCategories);
    const template = category.template;
    const price = retailPrice(random, template);
    const active = random.chance(0.95);
    const updated =
      !active || random.chance(0.4)
        ? created + Math.floor(random.next() * (anchorMicros - created))
        : created;
    const name = productName(random, template);
    priceKopecks[index] = price;
    createdMicros[index] = created;
    out.sinks.products.push([
      id,
      formatDatetime(created),
      formatDatetime(updated),
      `TM-${template.skuCode}-${String(id).padStart(6, '0')}`,
      name,
      productDescription(random, name),
      category.id,
      formatKopecks(price),
      'UAH',
      active ? 1 : 0,
    ]);
    if (index % 500 === 499) await out.breathe();
  }
  world.products = { priceKopecks, createdMicros };
  await out.breathe();
}

/** A shelf price: log-uniform in the template's range, ending in 9 hryvnias (24 999.00). */
export function retailPrice(random: SeededRandom, template: ProductTemplate): number {
  const [min, max] = template.priceUah;
  const uah = Math.exp(random.float(Math.log(min), Math.log(max)));
  const step = uah >= 1000 ? 100 : 10;
  return (Math.max(1, Math.round(uah / step)) * step - 1) * 100;
}

export function productName(random: SeededRandom, template: ProductTemplate): string {
  const [brand, model] = random.pick(template.models);
  return `${template.noun} ${brand} ${model} ${random.pick(template.variants)}`;
}

/** Shop copy as editors paste it: sometimes a tab from a spreadsheet, a Windows path, several lines. */
function productDescription(random: SeededRandom, name: string): string | null {
  if (random.chance(0.08)) return null;
  const lines = [`${name}. Гарантія ${random.pick([12, 24, 36])} міс.`];
  if (random.chance(0.3)) lines.push('Офіційна гарантія виробника, доставка по всій Україні.');
  if (random.chance(0.03)) lines.push('Характеристики:\tдив. сайт виробника');
  if (random.chance(0.02)) lines.push('Драйвери: C:\\Drivers\\TechMarket\\');
  if (random.chance(0.02)) lines.push('Відгук: "Найкращий за свої гроші" — покупець з Кам\u02BCянця');
  return lines.join('\n');
}
