/**
 * The stakeholder dashboard's data: every metric model exported whole, plus the few small queries
 * the dashboard runs itself over `sessions` and `customer_journeys`. Each dataset carries the
 * one-line definition the page prints under its chart, so the wording lives next to the SQL it
 * describes.
 */
import type { Connection } from '../adapters/types.ts';
import type { Json } from '../core/results.ts';
import { relationOf } from '../compile/compiler.ts';
import { buildsRelation } from '../materializations/registry.ts';
import type { Project } from '../core/nodes.ts';
import { catalogKey, type Catalog } from './catalog.ts';

export interface Dataset {
  id: string;
  title: string;
  /** One line: what the chart shows and how the number is defined. */
  caption: string;
  /** Models the dataset reads; for a metric model, just itself. */
  models: string[];
  sql: string | null;
  columns: { name: string; type: string }[];
  rows: Record<string, Json>[];
  /** Why there is no data (model absent, not built, query failed); the page shows it. */
  unavailable?: string;
}

export interface DashboardData {
  generated_at: string;
  project: string;
  datasets: Record<string, Dataset>;
}

interface Source {
  id: string;
  title: string;
  caption: string;
  models: string[];
  /** SQL over the given relations; metric models are read whole. */
  sql: (rel: (model: string) => string) => string;
}

/** The metric models of the webshop project (issue 4), read as they are. */
export const METRIC_MODELS: Source[] = [
  {
    id: 'metric_daily_sessions',
    title: 'Sessions and conversion rate per day',
    caption:
      'Bars: sessions that started that day (UTC); line: conversion rate = sessions containing a purchase ÷ sessions that day.',
    models: ['metric_daily_sessions'],
    sql: (rel) => `select * from ${rel('metric_daily_sessions')}`,
  },
  {
    id: 'metric_session_duration_by_referrer',
    title: 'Session duration and conversion by referrer',
    caption:
      'Per channel (dark) and per referrer host within it (light; (none) = no referrer): median session duration (last event − first event) and share of sessions containing a purchase.',
    models: ['metric_session_duration_by_referrer'],
    sql: (rel) => `select * from ${rel('metric_session_duration_by_referrer')}`,
  },
  {
    id: 'metric_sessions_before_first_purchase',
    title: 'Sessions before the first purchase',
    caption:
      'Over customers who purchased: sessions they had before the session of their first purchase (0 = bought in their first session).',
    models: ['metric_sessions_before_first_purchase'],
    sql: (rel) => `select * from ${rel('metric_sessions_before_first_purchase')}`,
  },
  {
    id: 'metric_session_duration_before_first_purchase',
    title: 'Time in the shop before the first purchase',
    caption:
      'Duration of the sessions before each customer’s first purchase session, pooled over customers (first-session buyers add none); and per customer, time in the shop up to the first order.',
    models: ['metric_session_duration_before_first_purchase'],
    sql: (rel) => `select * from ${rel('metric_session_duration_before_first_purchase')}`,
  },
];

/** Small aggregations the metric models do not provide, computed at docs time. */
export const DASHBOARD_QUERIES: Source[] = [
  {
    id: 'kpis',
    title: 'Headline numbers',
    caption:
      'Sessions of logged-in customers; customers with at least one session; conversion rate = sessions containing a purchase ÷ all sessions.',
    models: ['sessions'],
    sql: (rel) => `
      select count(*)::bigint as sessions,
             count(distinct customer_id)::bigint as customers,
             count(*) filter (where has_purchase)::bigint as purchasing_sessions,
             count(distinct customer_id) filter (where has_purchase)::bigint as purchasing_customers,
             coalesce(avg(case when has_purchase then 1.0 else 0.0 end), 0)::double as conversion_rate
      from ${rel('sessions')}`,
  },
  {
    id: 'funnel',
    title: 'Funnel: page view → add to cart → placed order',
    caption:
      'Sessions reaching each step, each step a subset of the one before: a page view; a page view and an add-to-cart; all of that and a purchase.',
    models: ['sessions'],
    sql: (rel) => `
      select step, label, sessions::bigint as sessions from (
        select 1 as step, 'Page view' as label, count(*) filter (where page_view_count > 0) as sessions from ${rel('sessions')}
        union all
        select 2, 'Add to cart', count(*) filter (where page_view_count > 0 and add_product_to_cart_count > 0) from ${rel('sessions')}
        union all
        select 3, 'Placed order', count(*) filter (where page_view_count > 0 and add_product_to_cart_count > 0 and has_purchase) from ${rel('sessions')}
      ) order by step`,
  },
  {
    id: 'sessions_before_purchase_histogram',
    title: 'How many sessions before the first purchase',
    caption:
      'Customers who purchased, by sessions before their first purchase session (0 = bought on the first visit; 10 or more in the last bar).',
    models: ['customer_journeys'],
    sql: (rel) => `
      with buyers as (
        select least(sessions_before_first_purchase, 10)::integer as bucket
        from ${rel('customer_journeys')}
        where sessions_before_first_purchase is not null
      ),
      buckets as (select range as bucket from range(0, (select coalesce(max(bucket), -1) + 1 from buyers)))
      select buckets.bucket::integer as sessions_before,
             case when buckets.bucket = 10 then '10+' else buckets.bucket::varchar end as label,
             count(buyers.bucket)::bigint as customers
      from buckets left join buyers on buyers.bucket = buckets.bucket
      group by all
      order by sessions_before`,
  },
  {
    id: 'duration_by_channel',
    title: 'Session duration by referrer channel',
    caption:
      'Distribution of session duration (last event − first event, minutes) per channel of the session’s first referrer: box = p25–p75, line = median, whiskers = p10–p90.',
    models: ['sessions'],
    sql: (rel) => `
      select coalesce(channel, 'direct') as channel,
             count(*)::bigint as sessions,
             quantile_cont(duration_seconds, 0.10) / 60 as p10_minutes,
             quantile_cont(duration_seconds, 0.25) / 60 as p25_minutes,
             median(duration_seconds) / 60 as median_minutes,
             quantile_cont(duration_seconds, 0.75) / 60 as p75_minutes,
             quantile_cont(duration_seconds, 0.90) / 60 as p90_minutes
      from ${rel('sessions')}
      group by all
      order by median_minutes desc, channel`,
  },
  {
    id: 'landing_pages',
    title: 'Top landing pages by conversion',
    caption:
      'Pages where sessions start, ranked by conversion rate (sessions containing a purchase ÷ sessions); only pages with at least 10 sessions or 1% of all sessions, whichever is fewer; top 10.',
    models: ['sessions'],
    sql: (rel) => `
      with per_page as (
        select landing_page, count(*) as sessions, count(*) filter (where has_purchase) as purchasing
        from ${rel('sessions')}
        where landing_page is not null
        group by all
      )
      select landing_page,
             sessions::bigint as sessions,
             purchasing::bigint as purchasing_sessions,
             purchasing / sessions as conversion_rate
      from per_page
      where sessions >= least(10, ceil((select sum(sessions) from per_page) * 0.01))
      order by conversion_rate desc, sessions desc, landing_page
      limit 10`,
  },
];

/** Integer and decimal columns arrive as strings to keep their precision; charts need numbers. */
const NUMERIC =
  /^(TINYINT|SMALLINT|INTEGER|BIGINT|HUGEINT|UTINYINT|USMALLINT|UINTEGER|UBIGINT|UHUGEINT|DECIMAL|FLOAT|DOUBLE)/i;

function chartable(
  rows: Record<string, Json>[],
  columns: { name: string; type: string }[],
): Record<string, Json>[] {
  const numeric = columns.filter((c) => NUMERIC.test(c.type)).map((c) => c.name);
  return rows.map((row) => {
    const out = { ...row };
    for (const name of numeric) if (typeof out[name] === 'string') out[name] = Number(out[name]);
    return out;
  });
}

/** Run every metric export and dashboard query that the project and its database can answer. */
export async function exportDashboard(
  project: Project,
  catalog: Catalog,
  conn: Connection | undefined,
): Promise<DashboardData> {
  const datasets: Record<string, Dataset> = {};
  for (const source of [...METRIC_MODELS, ...DASHBOARD_QUERIES]) {
    const dataset: Dataset = {
      id: source.id,
      title: source.title,
      caption: source.caption,
      models: source.models,
      sql: null,
      columns: [],
      rows: [],
    };
    datasets[source.id] = dataset;
    const problem = whyUnavailable(project, catalog, conn, source.models);
    if (problem || !conn) {
      dataset.unavailable = problem;
      continue;
    }
    // Shown under each chart, so without the indentation it has in this file.
    dataset.sql = source
      .sql((name) => project.dialect.relation(relationOf(project.models.get(name)!)))
      .replace(/^\n/, '')
      .replace(/^ {6}/gm, '');
    try {
      const result = await conn.query(dataset.sql);
      dataset.columns = result.columns.map((name, i) => ({ name, type: result.types[i] }));
      dataset.rows = chartable(result.rows, dataset.columns);
    } catch (e) {
      dataset.unavailable = `query failed: ${(e as Error).message.split('\n')[0]}`;
    }
  }
  return { generated_at: new Date().toISOString(), project: project.name, datasets };
}

function whyUnavailable(
  project: Project,
  catalog: Catalog,
  conn: Connection | undefined,
  models: string[],
): string | undefined {
  for (const name of models) {
    const model = project.models.get(name);
    if (!model || !model.enabled) return `this project has no model named '${name}'`;
    if (!buildsRelation(model))
      return `'${name}' is ${model.materialized}: there is no relation to read`;
    if (!conn) return `no database yet: run 'duckflow build' first`;
    if (!catalog.has(catalogKey(model.schema, model.alias)))
      return `'${name}' is not built yet: run 'duckflow build' first`;
  }
  return undefined;
}
