-- Type 1, from the method codes payments use; names are the platform's own.
with methods as (
  select distinct method as payment_method_id
  from {{ source('payments', 'payments') }}
  where _etl_run_id = {{ var('run_id') | lit }}
),
named as (
  select
    payment_method_id,
    case payment_method_id
      when 'card' then 'Card'
      when 'apple_pay' then 'Apple Pay'
      when 'google_pay' then 'Google Pay'
      when 'bank_transfer' then 'Bank transfer'
      when 'cash_on_delivery' then 'Cash on delivery'
      else initcap(replace(payment_method_id, '_', ' '))
    end as payment_method_name,
    payment_method_id <> 'cash_on_delivery' as is_online
  from methods
),
inserted as (
  insert into {{ ref('dim_payment_method') }} (payment_method_id, payment_method_name, is_online, etl_run_id)
  select payment_method_id, payment_method_name, is_online, {{ var('run_id') | lit }} from named
  on conflict (payment_method_id) do nothing
  returning 1
)
select count(*) as inserted, 0 as updated from inserted;
