{{ config(materialized='incremental', incremental_strategy='delete+insert', unique_key='customer_id') }}

-- One row per session of a logged-in customer (sessions are cut in session_events).
-- Incrementally, the sessions of each customer with events of this load are rolled up again
-- from session_events (already rewritten for them) and replace that customer's rows, so
-- sessions merged by a late event vanish.
-- depends_on: {{ ref('stg_event_loads') }}, {{ ref('stg_events') }}

with session_rollup as (

    select
        session_id,
        customer_id,
        session_number,
        min(event_ts) as session_start,
        max(event_ts) as session_end,
        count(*) as event_count,
        count(*) filter (where event_type = 'PAGE_VIEW') as page_view_count,
        count(*) filter (where event_type = 'SEARCH') as search_count,
        count(*) filter (where event_type = 'VISIT_RELATED_PRODUCT') as visit_related_product_count,
        count(*) filter (where event_type = 'VISIT_RECENTLY_VISITED_PRODUCT') as visit_recently_visited_product_count,
        count(*) filter (where event_type = 'VISIT_PERSONAL_RECOMMENDATION') as visit_personal_recommendation_count,
        count(*) filter (where event_type = 'ADD_PRODUCT_TO_CART') as add_product_to_cart_count,
        count(*) filter (where event_type = 'REMOVE_PRODUCT_FROM_CART') as remove_product_from_cart_count,
        count(*) filter (where event_type = 'SIGN_UP_SUCCESS') as sign_up_success_count,
        count(*) filter (where event_type = 'PLACED_ORDER') as placed_order_count,
        count(*) filter (where is_purchase) as purchase_count,
        min(event_ts) filter (where is_purchase) as first_purchase_ts,
        {{ arg_min('page_path', 'event_number_in_session', "event_type = 'PAGE_VIEW'") }} as landing_page,
        {{ arg_max('page_path', 'event_number_in_session', "event_type = 'PAGE_VIEW'") }} as exit_page,
        {{ arg_min('referrer_url', 'event_number_in_session') }} as referrer_url,
        {{ arg_min('referrer_host', 'event_number_in_session', 'referrer_url is not null') }}
            as referrer_host,
        {{ arg_min('user_agent', 'event_number_in_session') }} as user_agent
    from {{ ref('session_events') }}
    {% if is_incremental() -%}
    where customer_id in (
        select customer_id
        from {{ ref('stg_events') }}
        where record_number > {{ lines_before_this_load() }}
    )
    {% endif -%}
    group by session_id, customer_id, session_number

),

sessions_with_channel as (

    select
        session_rollup.*,
        case
            when session_rollup.referrer_url is null then 'direct'
            else coalesce(referrer_channels.channel, 'other')
        end as channel
    from session_rollup
    left join {{ ref('referrer_channels') }} as referrer_channels
        on session_rollup.referrer_host = referrer_channels.referrer_host

),

sessions_with_previous as (

    select
        *,
        lag(session_end) over (partition by customer_id order by session_number) as previous_session_end
    from sessions_with_channel

)

select
    session_id,
    customer_id,
    session_number,
    session_start,
    session_end,
    {{ seconds_between('session_start', 'session_end') }} as duration_seconds,
    event_count,
    page_view_count,
    search_count,
    visit_related_product_count,
    visit_recently_visited_product_count,
    visit_personal_recommendation_count,
    add_product_to_cart_count,
    remove_product_from_cart_count,
    sign_up_success_count,
    placed_order_count,
    landing_page,
    exit_page,
    referrer_url,
    referrer_host,
    channel,
    user_agent,
    {{ device_type_from_user_agent('user_agent') }} as device_type,
    {{ browser_from_user_agent('user_agent') }} as browser,
    purchase_count > 0 as has_purchase,
    purchase_count,
    first_purchase_ts,
    session_number = 1 as is_first_session,
    {{ seconds_between('previous_session_end', 'session_start') }} as seconds_since_previous_session
from sessions_with_previous
