-- The warehouse's five schemas (DESIGN.md 3.3).
create schema if not exists stg;
create schema if not exists dwh;
create schema if not exists etl;
create schema if not exists dq;
create schema if not exists bi;

comment on schema stg is 'Landing: one mirror table per source table (merged by primary key) and its per-run batch table';
comment on schema dwh is 'Star schema: dimensions (dim_*) and facts (fact_sales)';
comment on schema etl is 'Pipeline state: watermarks, runs, run steps';
comment on schema dq is 'Data-quality results';
comment on schema bi is 'Views for BI tools, with row-level security';
