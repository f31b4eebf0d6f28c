-- An inferred customer (made by a fact that arrived before its customer) is completed in place when
-- the real row arrives: it keeps its key, so its facts are not rewritten by key, but they carry the
-- customer's region (region_key) and were loaded with the unknown one. The trigger notes the key here
-- (a handful of rows, only when a late customer arrives) and the next transform re-keys those
-- customers' orders (sql/facts/affected_orders.sql) in the same transaction that consumes the note.
-- A new version of a customer is a new key and is found by affected_orders already; only an update
-- in place changes a region under an existing key.
create table if not exists dwh.fact_pending_customers (
  customer_key bigint primary key
);
comment on table dwh.fact_pending_customers is
  'Customers whose region changed in place (an inferred member completed): their orders are re-keyed by the next transform';
comment on column dwh.fact_pending_customers.customer_key is 'dim_customer.customer_key whose region_id changed in place';

create or replace function dwh.note_customer_region_change() returns trigger
language plpgsql as $$
begin
  insert into dwh.fact_pending_customers (customer_key) values (new.customer_key) on conflict do nothing;
  return null;
end
$$;
drop trigger if exists note_customer_region_change on dwh.dim_customer;
create trigger note_customer_region_change
  after update of region_id on dwh.dim_customer
  for each row when (old.region_id is distinct from new.region_id)
  execute function dwh.note_customer_region_change();
