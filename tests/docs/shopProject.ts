/**
 * A small webshop project for the docs tests: hand-made sessions of six customers over three
 * days, models named like the webshop's metric models, and the webshop's own dashboard
 * declaration (models/dashboards.yml), so every chart's point count is known in advance (see
 * EXPECTED).
 */
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import type { FileMap } from '../helpers/fixture.ts';

/** The webshop project's dashboard, as declared in this repository. */
export const WEBSHOP_DASHBOARDS = readFileSync(
  resolve(import.meta.dirname, '../../models/dashboards.yml'),
  'utf8',
);

const SESSIONS_CSV = `session_id,customer_id,session_number,session_start,session_end,duration_seconds,page_view_count,add_product_to_cart_count,purchase_count,landing_page,referrer_host,channel
s01,1,1,2022-05-01 10:00:00,2022-05-01 10:05:00,300,3,0,0,https://shop.example/,google.com,search
s02,1,2,2022-05-02 09:00:00,2022-05-02 09:12:00,720,5,1,1,https://shop.example/products/A,mail.example.com,email
s03,2,1,2022-05-01 11:00:00,2022-05-01 11:01:00,60,1,0,0,https://shop.example/,,direct
s04,2,2,2022-05-01 15:00:00,2022-05-01 15:10:00,600,4,1,0,https://shop.example/products/Y,facebook.com,social
s05,2,3,2022-05-03 08:00:00,2022-05-03 08:20:00,1200,6,2,1,https://shop.example/products/Y,google.com,search
s06,3,1,2022-05-02 12:00:00,2022-05-02 12:03:00,180,2,1,1,https://shop.example/products/A,bing.com,search
s07,4,1,2022-05-02 13:00:00,2022-05-02 13:00:00,0,1,0,0,https://shop.example/,,direct
s08,4,2,2022-05-03 14:00:00,2022-05-03 14:08:00,480,3,0,0,https://shop.example/products/O,instagram.com,social
s09,5,1,2022-05-01 16:00:00,2022-05-01 16:02:00,120,2,1,0,https://shop.example/products/A,mail.example.com,email
s10,5,2,2022-05-02 17:00:00,2022-05-02 17:04:00,240,2,0,0,https://shop.example/,google.com,search
s11,5,3,2022-05-03 18:00:00,2022-05-03 18:15:00,900,5,1,0,https://shop.example/products/Y,google.com,search
s12,5,4,2022-05-03 19:00:00,2022-05-03 19:30:00,1800,8,3,2,https://shop.example/products/O,,direct
s13,6,1,2022-05-03 20:00:00,2022-05-03 20:07:00,420,4,1,1,https://shop.example/products/A,google.com,search
`;

/** What the fixture's data must produce, worked out by hand from SESSIONS_CSV. */
export const EXPECTED = {
  models: 7,
  seeds: 2,
  sources: 1,
  dashboards: 1,
  /**
   * Every ref and source call across the models below (9), and the six models the dashboard
   * reads.
   */
  edges: 15,
  /** Points of each chart of the webshop dashboard, by tile name. */
  charts: {
    metric_daily_sessions: 3, // 2022-05-01, -02, -03
    metric_session_duration_by_referrer: 10, // 4 channels + 6 channel/host pairs
    funnel: 3,
    sessions_before_purchase_histogram: 4, // 0, 1, 2, 3 sessions before
    duration_by_channel: 4,
    landing_pages: 4,
  },
  funnel: [13, 8, 5],
  histogram: [2, 1, 1, 1],
  kpis: { sessions: 13, customers: 6 },
} as const;

export const SHOP_PROJECT: FileMap = {
  'project.yml': `name: shop
vars:
  purchase_event_types: [PLACED_ORDER]
models:
  shop:
    materialized: table
`,
  'seeds/raw_sessions.csv': SESSIONS_CSV,
  'seeds/referrer_channels.csv':
    'referrer_host,channel\ngoogle.com,search\nbing.com,search\nfacebook.com,social\ninstagram.com,social\nmail.example.com,email\n',
  'data/products.csv': 'product_id,name\nA,Alpha\nY,Ypsilon\nO,Omega\n',
  'models/sources.yml': `sources:
  - name: shop
    description: Files exported by the shop.
    tables:
      - name: products
        description: The shop's products.
        external_location: data/products.csv
`,
  'models/dashboards.yml': WEBSHOP_DASHBOARDS,
  'models/staging/stg_products.sql': `select product_id, name from {{ source('shop', 'products') }}\n`,
  'models/sessions.sql': `select s.session_id, s.customer_id, s.session_number, s.session_start, s.session_end, s.duration_seconds,
  s.page_view_count, s.add_product_to_cart_count, s.purchase_count, s.purchase_count > 0 as has_purchase,
  s.landing_page, s.referrer_host, coalesce(c.channel, s.channel) as channel
from {{ ref('raw_sessions') }} s
left join {{ ref('referrer_channels') }} c using (referrer_host)
`,
  'models/customer_journeys.sql': `with firsts as (
  select customer_id, count(*) as session_count, min(session_start) as first_seen_at, max(session_end) as last_seen_at,
    min(session_number) filter (where has_purchase) as first_purchase_session_number
  from {{ ref('sessions') }} group by all
)
select f.*, f.first_purchase_session_number is not null as has_purchased,
  f.first_purchase_session_number - 1 as sessions_before_first_purchase,
  (select coalesce(sum(duration_seconds), 0) from {{ ref('sessions') }} s
   where s.customer_id = f.customer_id and s.session_number < f.first_purchase_session_number) as seconds_in_sessions_before_first_purchase
from firsts f
`,
  'models/metrics/metric_daily_sessions.sql': `select session_start::date as session_date, count(*) as sessions, count(distinct customer_id) as customers,
  count(*) filter (where has_purchase) as purchasing_sessions,
  round(count(*) filter (where has_purchase) / count(*), 4) as conversion_rate,
  round(median(duration_seconds), 2) as median_duration_seconds
from {{ ref('sessions') }} group by all order by session_date
`,
  'models/metrics/metric_session_duration_by_referrer.sql': `select case when grouping(referrer_host) = 1 then 'channel' else 'referrer_host' end as grain,
  channel,
  case when grouping(referrer_host) = 1 then '(all)' else referrer_host end as referrer_host,
  count(*) as sessions,
  round(median(duration_seconds), 2) as median_duration_seconds,
  round(quantile_cont(duration_seconds, 0.75), 2) as p75_duration_seconds,
  round(quantile_cont(duration_seconds, 0.9), 2) as p90_duration_seconds,
  round(avg(duration_seconds), 2) as mean_duration_seconds,
  round(avg(has_purchase::integer), 4) as purchase_session_share
from (select channel, coalesce(referrer_host, '(none)') as referrer_host, duration_seconds, has_purchase from {{ ref('sessions') }})
group by grouping sets ((channel), (channel, referrer_host))
order by grain, channel, sessions desc, referrer_host
`,
  'models/metrics/metric_sessions_before_first_purchase.sql': `select quantile_cont(sessions_before_first_purchase, 0.5) as median_sessions_before_first_purchase,
  count(*) as customers_counted,
  round(avg(sessions_before_first_purchase), 2) as mean_sessions_before_first_purchase,
  quantile_cont(sessions_before_first_purchase, 0.9) as p90_sessions_before_first_purchase
from {{ ref('customer_journeys') }} where has_purchased
`,
  'models/metrics/metric_session_duration_before_first_purchase.sql': `select round(quantile_cont(s.duration_seconds::double, 0.5), 2) as median_pre_purchase_session_duration_seconds,
  count(*) as pre_purchase_session_count,
  count(distinct customer_id) as customers_with_pre_purchase_sessions
from {{ ref('sessions') }} s join {{ ref('customer_journeys') }} j using (customer_id)
where j.has_purchased and s.session_number < j.first_purchase_session_number
`,
  'models/schema.yml': `models:
  - name: sessions
    description: |
      One row per session of a logged-in customer.

      A new session starts after more than 30 minutes without an event.
    columns:
      - name: session_id
        description: Deterministic id of the session.
        data_tests: [unique, not_null]
      - name: customer_id
        description: The customer.
        data_tests: [not_null]
      - name: duration_seconds
        description: Last event minus first event, in seconds.
      - name: channel
        description: Channel of the session's first referrer.
        data_tests:
          - accepted_values:
              arguments:
                values: [search, social, email]
              config:
                severity: warn
      - name: retired_column
        description: Documented, but no longer produced by the model.
  - name: customer_journeys
    description: One row per customer.
    columns:
      - name: customer_id
        data_tests: [unique]
  - name: metric_daily_sessions
    description: Sessions, customers and conversion rate per day.
  - name: metric_sessions_before_first_purchase
    description: Median number of sessions before the first purchase session.
unit_tests:
  - name: daily_sessions_count_one_day
    description: Two sessions on one day, one with a purchase, convert at 50%.
    model: metric_daily_sessions
    given:
      - input: ref('sessions')
        rows:
          - {session_start: '2022-05-01 10:00:00', customer_id: 1, has_purchase: true, duration_seconds: 60}
          - {session_start: '2022-05-01 12:00:00', customer_id: 2, has_purchase: false, duration_seconds: 120}
    expect:
      rows:
        - {sessions: 2, customers: 2, purchasing_sessions: 1, conversion_rate: 0.5}
`,
};

/** A project with no dashboard: the site must have no dashboard page. */
export const PLAIN_PROJECT: FileMap = {
  'project.yml': 'name: plain\n',
  'seeds/items.csv': 'id,name\n1,one\n2,two\n',
  'models/item_names.sql': "select name from {{ ref('items') }}\n",
};
