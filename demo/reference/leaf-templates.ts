import { CATEGORY_TREE, type CategoryNode, type ProductTemplate } from './catalog-tree.ts';

/** The product template of every leaf category, by slug. */
export const TEMPLATES_BY_SLUG: ReadonlyMap<string, ProductTemplate> = (() => {
  const map = new Map<string, ProductTemplate>();
  const visit = (node: CategoryNode) => {
    if (node.products) map.set(node.slug, node.products);
    for (const child of node.children ?? []) visit(child);
  };
  for (const root of CATEGORY_TREE) visit(root);
  return map;
})();
