-- One row per version number of a key: what the SCD2 merge guarantees, now enforced by the database.
-- The data-quality rules `unique: [<key>, version]` then read these indexes from the catalogue instead
-- of grouping the whole dimension after every run.
create unique index if not exists uq_dim_customer_version on dwh.dim_customer (customer_id, version);
create unique index if not exists uq_dim_product_version on dwh.dim_product (product_id, version);
create unique index if not exists uq_dim_employee_version on dwh.dim_employee (employee_id, version);
