-- Calendar dimension, pre-filled for 2015–2035; key 0 is the unknown date.
create table if not exists dwh.dim_date (
  date_key      integer primary key,
  full_date     date unique,
  year          smallint not null,
  quarter       smallint not null,
  month         smallint not null,
  month_name    text not null,
  year_month    text not null,
  day_of_month  smallint not null,
  day_of_week   smallint not null,
  day_name      text not null,
  iso_week      smallint not null,
  is_weekend    boolean not null
);

insert into dwh.dim_date
select
  to_char(d, 'YYYYMMDD')::integer,
  d::date,
  extract(year from d)::smallint,
  extract(quarter from d)::smallint,
  extract(month from d)::smallint,
  trim(to_char(d, 'Month')),
  to_char(d, 'YYYY-MM'),
  extract(day from d)::smallint,
  extract(isodow from d)::smallint,
  trim(to_char(d, 'Day')),
  extract(week from d)::smallint,
  extract(isodow from d) in (6, 7)
from generate_series(date '2015-01-01', date '2035-12-31', interval '1 day') as d
on conflict (date_key) do nothing;

insert into dwh.dim_date values (0, null, 0, 0, 0, 'Unknown', 'Unknown', 0, 0, 'Unknown', 0, false)
on conflict (date_key) do nothing;

comment on table dwh.dim_date is 'Calendar of local business dates (BUSINESS_TZ), 2015-01-01 to 2035-12-31; key 0 = unknown';
comment on column dwh.dim_date.date_key is 'Surrogate key yyyymmdd; 0 = unknown';
comment on column dwh.dim_date.full_date is 'The calendar date (null for the unknown member)';
comment on column dwh.dim_date.year is 'Calendar year';
comment on column dwh.dim_date.quarter is 'Quarter 1–4';
comment on column dwh.dim_date.month is 'Month 1–12';
comment on column dwh.dim_date.month_name is 'English month name';
comment on column dwh.dim_date.year_month is 'YYYY-MM, for monthly grouping';
comment on column dwh.dim_date.day_of_month is 'Day of month 1–31';
comment on column dwh.dim_date.day_of_week is 'ISO day of week, Monday = 1';
comment on column dwh.dim_date.day_name is 'English day name';
comment on column dwh.dim_date.iso_week is 'ISO 8601 week number';
comment on column dwh.dim_date.is_weekend is 'Saturday or Sunday';
