{{ config(materialized='table') }}

-- One row per logged-in customer: their sessions and the road to their first purchase.

with customer_sessions as (

    select *
    from {{ ref('sessions') }}

),

first_purchase_sessions as (

    select
        customer_id,
        first_purchase_session_number,
        first_purchase_session_start,
        first_purchase_ts
    from (
        select
            customer_id,
            session_number as first_purchase_session_number,
            session_start as first_purchase_session_start,
            first_purchase_ts,
            row_number() over (partition by customer_id order by session_number) as purchase_rank
        from customer_sessions
        where has_purchase
    ) as purchasing_sessions
    where purchase_rank = 1

),

customer_rollup as (

    select
        customer_sessions.customer_id,
        count(*) as session_count,
        min(customer_sessions.session_start) as first_seen_at,
        max(customer_sessions.session_end) as last_seen_at,
        sum(customer_sessions.event_count) as event_count,
        cast(sum(customer_sessions.duration_seconds) as decimal(18, 6)) as seconds_in_sessions,
        sum(customer_sessions.purchase_count) as purchase_count,
        count(*) filter (where customer_sessions.has_purchase) as purchasing_session_count,
        {{ arg_min('customer_sessions.channel', 'customer_sessions.session_number') }} as first_session_channel,
        cast(coalesce(
            sum(customer_sessions.duration_seconds) filter (
                where customer_sessions.session_number < first_purchase_sessions.first_purchase_session_number
            ),
            0
        ) as decimal(18, 6)) as seconds_in_sessions_before_first_purchase_session
    from customer_sessions
    left join first_purchase_sessions
        on first_purchase_sessions.customer_id = customer_sessions.customer_id
    group by customer_sessions.customer_id

)

select
    customer_rollup.customer_id,
    customer_rollup.session_count,
    customer_rollup.first_seen_at,
    customer_rollup.last_seen_at,
    customer_rollup.event_count,
    customer_rollup.seconds_in_sessions,
    customer_rollup.first_session_channel,
    customer_rollup.purchase_count,
    customer_rollup.purchasing_session_count,
    first_purchase_sessions.customer_id is not null as has_purchased,
    first_purchase_sessions.first_purchase_ts,
    first_purchase_sessions.first_purchase_session_number,
    first_purchase_sessions.first_purchase_session_number - 1 as sessions_before_first_purchase,
    case
        when first_purchase_sessions.customer_id is not null
            then customer_rollup.seconds_in_sessions_before_first_purchase_session
    end as seconds_in_sessions_before_first_purchase,
    case
        when first_purchase_sessions.customer_id is not null
            then cast(
                customer_rollup.seconds_in_sessions_before_first_purchase_session
                + {{ seconds_between('first_purchase_sessions.first_purchase_session_start', 'first_purchase_sessions.first_purchase_ts') }}
            as decimal(18, 6))
    end as seconds_to_first_purchase_in_shop
from customer_rollup
left join first_purchase_sessions
    on first_purchase_sessions.customer_id = customer_rollup.customer_id
