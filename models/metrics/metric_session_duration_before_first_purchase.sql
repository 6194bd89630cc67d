{{ config(materialized='table') }}

-- How much time do customers spend in the shop before their first purchase?
-- 1. Pooled: the duration (last event - first event) of every session that came before a
--    customer's first purchase session; customers who bought in their first session
--    contribute no session; customers who never bought contribute none.
-- 2. Per customer who purchased: the total time in the shop before the first order = the
--    durations of the sessions before the first purchase session + the time from the start of
--    the first purchase session to the first order (0 + that time for first-session buyers).
-- Medians are interpolated (quantile_cont).

with customers as (

    select
        customer_id,
        has_purchased,
        first_purchase_session_number,
        seconds_in_sessions_before_first_purchase,
        seconds_to_first_purchase_in_shop
    from {{ ref('customer_journeys') }}

),

pre_purchase_sessions as (

    select
        customer_sessions.customer_id,
        cast(customer_sessions.duration_seconds as double precision) as duration_seconds
    from {{ ref('sessions') }} as customer_sessions
    inner join customers on customers.customer_id = customer_sessions.customer_id
    where customers.has_purchased
        and customer_sessions.session_number < customers.first_purchase_session_number

),

pooled_sessions as (

    select
        count(*) as pre_purchase_session_count,
        count(distinct customer_id) as customers_with_pre_purchase_sessions,
        {{ round_double(percentile_cont('duration_seconds', 0.5), 2) }} as median_pre_purchase_session_duration_seconds,
        {{ round_double('avg(duration_seconds)', 2) }} as mean_pre_purchase_session_duration_seconds
    from pre_purchase_sessions

),

per_customer as (

    select
        count(*) as customers_counted,
        {{ round_double(percentile_cont('cast(seconds_to_first_purchase_in_shop as double precision)', 0.5), 2) }}
            as median_seconds_in_shop_before_first_purchase,
        {{ round_double(percentile_cont('cast(seconds_in_sessions_before_first_purchase as double precision)', 0.5), 2) }}
            as median_seconds_in_sessions_before_first_purchase_session
    from customers
    where has_purchased

)

select
    pooled_sessions.median_pre_purchase_session_duration_seconds,
    pooled_sessions.pre_purchase_session_count,
    pooled_sessions.customers_with_pre_purchase_sessions,
    pooled_sessions.mean_pre_purchase_session_duration_seconds,
    per_customer.median_seconds_in_shop_before_first_purchase,
    per_customer.median_seconds_in_sessions_before_first_purchase_session,
    per_customer.customers_counted
from pooled_sessions
cross join per_customer
