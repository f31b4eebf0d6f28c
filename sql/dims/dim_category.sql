{% from "macros/type1.sql" import type1_merge %}
-- Type 1 with the tree flattened: a renamed or moved parent changes its children's paths, so every
-- category is recomputed (the table is small) and only rows whose hash changed are written.
{% set rows %}
with recursive tree as (
  select
    id as category_id,
    name as category_name,
    parent_id as parent_category_id,
    id as top_category_id,
    name as top_category_name,
    name::text as category_path,
    1 as depth,
    updated_at as source_updated_at
  from {{ source('catalog', 'categories') }}
  where parent_id is null and _deleted_at is null
  union all
  select
    c.id,
    c.name,
    c.parent_id,
    t.top_category_id,
    t.top_category_name,
    t.category_path || ' > ' || c.name,
    t.depth + 1,
    c.updated_at
  from {{ source('catalog', 'categories') }} c
  join tree t on t.category_id = c.parent_id
  where c._deleted_at is null and t.depth < 20
),
final as (
  select
    tree.*,
    parent.name as parent_category_name,
    md5(row(tree.category_name, tree.parent_category_id, parent.name, tree.top_category_id,
            tree.top_category_name, tree.category_path, tree.depth)::text) as row_hash
  from tree
  left join {{ source('catalog', 'categories') }} parent on parent.id = tree.parent_category_id
)
select * from final
{% endset %}
{{ type1_merge(ref('dim_category'), 'category_id',
   ['category_name', 'parent_category_id', 'parent_category_name', 'top_category_id', 'top_category_name', 'category_path', 'depth'],
   rows, var('run_id')) }}
