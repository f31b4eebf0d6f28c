-- Who sees which regions (DESIGN.md 3.3, issue 16). Three group roles, none of which can log in:
--   bi_reader   SELECT on the bi views and the star schema behind them; rows limited by region through
--               the mapping table bi.region_access (one row per login role and region). Regional
--               users are login roles that are members of it (`techmarket bi grant`).
--   bi_analyst  every row, read only (a member of bi_reader).
--   bi_admin    every row, and manages access: edits bi.region_access and writes bi.access_audit.
--   bi_page     the sales-dynamics page (services/bi): a member of every user's login role that has a
--               page login, NOINHERIT, so it holds none of their rights itself but may SET ROLE to one
--               per request; granted to the role running these migrations (the page's default login).
-- Roles are per cluster (several warehouses may share them), so they are created once, and tolerate a
-- concurrent migration of another database creating them at the same moment.
do $$
declare
  r text;
begin
  foreach r in array array['bi_reader', 'bi_analyst', 'bi_admin'] loop
    begin
      execute format('create role %I nologin', r);
    exception when duplicate_object or unique_violation then null;
    end;
  end loop;
  begin
    execute 'create role bi_page nologin noinherit';
  exception when duplicate_object or unique_violation then null;
  end;
  begin
    grant bi_reader to bi_analyst;
    grant bi_analyst to bi_admin;
    execute format('grant bi_page to %I', current_user);
  exception when unique_violation or internal_error then null;
  end;
end
$$;

create table if not exists bi.region_access (
  user_name   name not null,
  region_key  bigint not null references dwh.dim_region (region_key),
  granted_by  name not null default session_user,
  granted_at  timestamptz not null default now(),
  primary key (user_name, region_key)
);
comment on table bi.region_access is
  'Which regions each regional BI user (a PostgreSQL login role in bi_reader) may see; read by the row-level security policies';
comment on column bi.region_access.user_name is 'PostgreSQL login role of the user';
comment on column bi.region_access.region_key is 'dim_region.region_key the user may see';
comment on column bi.region_access.granted_by is 'Database login that granted it';
comment on column bi.region_access.granted_at is 'When it was granted';

create table if not exists bi.access_audit (
  audit_id    bigint generated always as identity primary key,
  changed_at  timestamptz not null default now(),
  changed_by  name not null default session_user,
  os_user     text,
  action      text not null check (action in ('grant', 'revoke')),
  user_name   name not null,
  role        text,
  regions     text[] not null default '{}',
  detail      jsonb not null default '{}'
);
comment on table bi.access_audit is 'Every change of BI access (techmarket bi grant / revoke): who, when, what';
comment on column bi.access_audit.audit_id is 'Sequence number of the change';
comment on column bi.access_audit.changed_at is 'When the change was made';
comment on column bi.access_audit.changed_by is 'Database login that made it';
comment on column bi.access_audit.os_user is 'Operating-system user who ran the command';
comment on column bi.access_audit.action is 'grant or revoke';
comment on column bi.access_audit.user_name is 'PostgreSQL login role whose access changed';
comment on column bi.access_audit.role is 'Group role granted or revoked: regional (bi_reader), analyst or admin';
comment on column bi.access_audit.regions is 'Region codes granted or revoked';
comment on column bi.access_audit.detail is 'Anything else the command recorded (e.g. the login role was created)';

-- Which login role the page queries as for a user of auth (the access token names the auth user id).
create table if not exists bi.page_users (
  auth_user_id  bigint primary key,
  user_name     name not null unique
);
comment on table bi.page_users is
  'Users of the sales-dynamics page: the auth user id in their access token and the login role the page queries as';
comment on column bi.page_users.auth_user_id is 'auth.users.id (the access token''s sub)';
comment on column bi.page_users.user_name is 'PostgreSQL login role the page sets for that user (SET ROLE)';

-- Row-level security. FORCE applies it to the tables' owner too (the role that runs the pipeline and
-- these migrations), which gets a policy of its own that lets it read and write everything.
do $$
declare
  t record;
  owner_role text := current_user;
  own_regions constant text :=
    '(select a.region_key from bi.region_access a where a.user_name = current_user)';
begin
  for t in select * from (values
    ('dwh.fact_sales', format('region_key in %s', own_regions)),
    ('dwh.agg_sales_daily_region', format('region_key in %s', own_regions)),
    ('dwh.agg_sales_daily_category', format('region_key in %s', own_regions)),
    ('dwh.agg_sales_daily_manager', format('region_key in %s', own_regions)),
    ('dwh.agg_sales_daily_payment_method', format('region_key in %s', own_regions)),
    ('dwh.dim_region', format('region_key in %s', own_regions)),
    -- customers and managers by the region of each version
    ('dwh.dim_customer', format(
      'region_id in (select r.region_id from dwh.dim_region r where r.region_key in %s)', own_regions)),
    ('dwh.dim_employee', format(
      'region_id in (select r.region_id from dwh.dim_region r where r.region_key in %s)', own_regions))
  ) as v(name, regional) loop
    execute format('alter table %s enable row level security', t.name);
    execute format('alter table %s force row level security', t.name);
    execute format('drop policy if exists owner_all_rows on %s', t.name);
    execute format('create policy owner_all_rows on %s to %I using (true) with check (true)', t.name, owner_role);
    execute format('drop policy if exists analyst_all_rows on %s', t.name);
    execute format('create policy analyst_all_rows on %s for select to bi_analyst using (true)', t.name);
    execute format('drop policy if exists reader_own_regions on %s', t.name);
    execute format('create policy reader_own_regions on %s for select to bi_reader using (%s)', t.name, t.regional);
    execute format('grant select on %s to bi_reader', t.name);
  end loop;
end
$$;

alter table bi.region_access enable row level security;
alter table bi.region_access force row level security;
drop policy if exists owner_all_rows on bi.region_access;
create policy owner_all_rows on bi.region_access to current_user using (true) with check (true);
drop policy if exists admin_all_rows on bi.region_access;
create policy admin_all_rows on bi.region_access to bi_admin using (true) with check (true);
drop policy if exists reader_own_rows on bi.region_access;
create policy reader_own_rows on bi.region_access for select to bi_reader using (user_name = current_user);

-- Dimensions that carry nothing regional: every reader sees them whole.
grant usage on schema dwh, bi to bi_reader;
grant select on dwh.dim_date, dwh.dim_category, dwh.dim_product, dwh.dim_payment_method to bi_reader;
grant select on bi.region_access to bi_reader;
grant select, insert, update, delete on bi.region_access to bi_admin;
grant select, insert on bi.access_audit to bi_admin;
