{{ config(materialized='table') }}

-- Per UTC day of the session start (a session crossing midnight counts on the day it started):
-- sessions, distinct customers, first sessions, sessions with a purchase, conversion rate
-- (sessions with a purchase / sessions) and median session duration (interpolated, seconds).

with daily_sessions as (

    select
        cast(session_start as date) as session_date,
        customer_id,
        is_first_session,
        has_purchase,
        cast(duration_seconds as double precision) as duration_seconds
    from {{ ref('sessions') }}

)

select
    session_date,
    count(*) as sessions,
    count(distinct customer_id) as customers,
    count(*) filter (where is_first_session) as first_sessions,
    count(*) filter (where has_purchase) as purchasing_sessions,
    {{ round_double('cast(count(*) filter (where has_purchase) as double precision) / count(*)', 4) }} as conversion_rate,
    {{ round_double(percentile_cont('duration_seconds', 0.5), 2) }} as median_duration_seconds
from daily_sessions
group by session_date
order by session_date
