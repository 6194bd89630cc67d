{{ config(materialized='table') }}

-- Does session duration differ by referrer? Over all sessions of logged-in customers, per
-- channel (grain = 'channel', referrer_host = '(all)') and per channel and referrer host
-- (grain = 'referrer_host'; '(none)' when the session had no referrer): sessions, customers,
-- median / p75 / p90 (interpolated) and mean duration (last event - first event, seconds),
-- and the share of sessions with a purchase.

with referred_sessions as (

    select
        channel,
        coalesce(referrer_host, '(none)') as referrer_host,
        customer_id,
        cast(duration_seconds as double precision) as duration_seconds,
        has_purchase
    from {{ ref('sessions') }}

),

duration_by_referrer as (

    select
        case when grouping(referrer_host) = 1 then 'channel' else 'referrer_host' end as grain,
        channel,
        case when grouping(referrer_host) = 1 then '(all)' else referrer_host end as referrer_host,
        count(*) as sessions,
        count(distinct customer_id) as customers,
        {{ round_double(percentile_cont('duration_seconds', 0.5), 2) }} as median_duration_seconds,
        {{ round_double(percentile_cont('duration_seconds', 0.75), 2) }} as p75_duration_seconds,
        {{ round_double(percentile_cont('duration_seconds', 0.9), 2) }} as p90_duration_seconds,
        {{ round_double('avg(duration_seconds)', 2) }} as mean_duration_seconds,
        {{ round_double('avg(cast(has_purchase as integer))', 4) }} as purchase_session_share
    from referred_sessions
    group by grouping sets ((channel), (channel, referrer_host))

)

select *
from duration_by_referrer
order by grain, channel, sessions desc, referrer_host
