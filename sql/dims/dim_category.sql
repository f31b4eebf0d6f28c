-- Type 1 with the tree flattened: a renamed or moved parent changes its children's paths, so every
-- category is recomputed (the table is small) and only rows whose hash changed are written.
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
),
upserted as (
  insert into {{ ref('dim_category') }} as d (
    category_id, category_name, parent_category_id, parent_category_name, top_category_id,
    top_category_name, category_path, depth, row_hash, source_updated_at, is_inferred, etl_run_id
  )
  select
    category_id, category_name, parent_category_id, parent_category_name, top_category_id,
    top_category_name, category_path, depth, row_hash, source_updated_at, false, {{ var('run_id') | lit }}
  from final
  on conflict (category_id) do update set
    category_name = excluded.category_name,
    parent_category_id = excluded.parent_category_id,
    parent_category_name = excluded.parent_category_name,
    top_category_id = excluded.top_category_id,
    top_category_name = excluded.top_category_name,
    category_path = excluded.category_path,
    depth = excluded.depth,
    row_hash = excluded.row_hash,
    source_updated_at = excluded.source_updated_at,
    is_inferred = false,
    loaded_at = now(),
    etl_run_id = excluded.etl_run_id
  where d.row_hash is distinct from excluded.row_hash or d.is_inferred
  returning (xmax = 0) as inserted
)
select count(*) filter (where inserted) as inserted, count(*) filter (where not inserted) as updated from upserted;
