-- Subscriptions of the sales-dynamics page (services/bi, issue 16): a user's saved view, sent to them
-- as an e-mail digest once per completed period (day, ISO week or month, business-local). The page's
-- digest dispatcher claims due rows here, renders each as the subscriber's own login role (so row-level
-- security decides the figures, as on the page), hands the digest to notifications through Kafka and
-- moves next_period_start on, all before it commits: a crash repeats the period with the same event
-- id, which notifications delivers once. Only the page's login (the owner) reads or writes this table:
-- no BI role is granted it (e-mail addresses and other users' views are not theirs to see).
create table if not exists bi.subscriptions (
  subscription_id    bigint generated always as identity primary key,
  auth_user_id       bigint not null,
  email              text not null,
  cadence            text not null check (cadence in ('daily', 'weekly', 'monthly')),
  regions            text[] not null default '{}',
  category_key       bigint,
  next_period_start  date not null,
  created_at         timestamptz not null default now(),
  last_sent_at       timestamptz
);
create index if not exists ix_subscriptions_user on bi.subscriptions (auth_user_id);
create index if not exists ix_subscriptions_due on bi.subscriptions (next_period_start);
comment on table bi.subscriptions is
  'Saved views of the sales-dynamics page sent to their user as an e-mail digest per completed period';
comment on column bi.subscriptions.subscription_id is 'Surrogate key';
comment on column bi.subscriptions.auth_user_id is 'auth.users.id of the subscriber; the digest is rendered as the login role bi.page_users maps it to';
comment on column bi.subscriptions.email is 'Where the digest goes: the account''s own e-mail at auth when it subscribed';
comment on column bi.subscriptions.cadence is 'daily, weekly (ISO weeks, Monday first) or monthly: the period each digest covers';
comment on column bi.subscriptions.regions is 'Region codes of the view (empty: every region the user may see)';
comment on column bi.subscriptions.category_key is 'Leaf category of the view (dim_category.category_key); null: all categories';
comment on column bi.subscriptions.next_period_start is 'First business-local day of the next period to send';
comment on column bi.subscriptions.created_at is 'When the user subscribed';
comment on column bi.subscriptions.last_sent_at is 'When the last digest was handed to notifications';
