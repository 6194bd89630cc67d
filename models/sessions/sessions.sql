{{ config(
    materialized='incremental',
    incremental_strategy='delete+insert',
    unique_key='customer_id',
    incremental_predicates=['DBT_INTERNAL_DEST.session_number >= DBT_INTERNAL_SOURCE.session_number']
) }}

-- One row per session of a logged-in customer (sessions are cut in session_events).
-- Incrementally, for each customer with events of this load, session_events rewrote the sessions
-- from the one holding the customer's first new event on (sessionize_incremental: every earlier
-- session ends more than the gap before it). Those sessions are rolled up again from
-- session_events and replace the customer's stored sessions numbered from there
-- (incremental_predicates), so sessions merged by a late event vanish and earlier ones are not
-- read or rewritten.
-- depends_on: {{ ref('stg_event_loads') }}, {{ ref('stg_events') }}

with {% if is_incremental() -%}
first_new_events as (

    select
        customer_id,
        min(event_ts) as first_new_event_ts
    from {{ ref('stg_events') }}
    where record_number > {{ lines_before_this_load() }}
        and customer_id is not null
    group by customer_id

),

rewritten_from as (

    select
        first_new_events.customer_id,
        min(events.session_number) as first_rewritten_session_number
    from first_new_events
    inner join {{ ref('session_events') }} as events
        on events.customer_id = first_new_events.customer_id
        and events.event_ts = first_new_events.first_new_event_ts
    group by first_new_events.customer_id

),

-- the end of the session before the first rewritten one, kept as stored
stored_previous_sessions as (

    select
        stored.customer_id,
        stored.session_end as previous_session_end
    from {{ this }} as stored
    inner join rewritten_from
        on rewritten_from.customer_id = stored.customer_id
        and stored.session_number = rewritten_from.first_rewritten_session_number - 1

),

{% endif -%}
session_events_to_roll_up as (

    select events.*
    from {{ ref('session_events') }} as events
    {% if is_incremental() -%}
    inner join rewritten_from
        on rewritten_from.customer_id = events.customer_id
        and events.session_number >= rewritten_from.first_rewritten_session_number
    {% endif %}

),

session_rollup as (

    select
        -- one per customer and session number: grouped by those integers, not by the 32-character
        -- id (1.68 -> 1.42 s at 10M events)
        {{ any_value_of('session_id') }} as session_id,
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
    from session_events_to_roll_up
    group by customer_id, session_number

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
        sessions_with_channel.*,
        {% set previous_end = 'lag(sessions_with_channel.session_end) over customer_sessions' -%}
        {% if is_incremental() -%}
        coalesce({{ previous_end }}, stored_previous_sessions.previous_session_end)
        {%- else -%}
        {{ previous_end }}
        {%- endif %} as previous_session_end
    from sessions_with_channel
    {% if is_incremental() -%}
    left join stored_previous_sessions
        on stored_previous_sessions.customer_id = sessions_with_channel.customer_id
    {% endif -%}
    window customer_sessions as (
        partition by sessions_with_channel.customer_id
        order by sessions_with_channel.session_number
    )

),

-- A few dozen user agents stand behind hundreds of thousands of sessions: each is classified
-- once. Keyed on '' for a missing agent, which the rules class as a blank one ('unknown'), so
-- the lookup joins on equality alone.
user_agent_classes as (

    select
        user_agent_key,
        {{ device_type_from_user_agent('user_agent_key') }} as device_type,
        {{ browser_from_user_agent('user_agent_key') }} as browser
    from (
        select distinct coalesce(user_agent, '') as user_agent_key
        from sessions_with_previous
    ) as user_agents

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
    user_agent_classes.device_type,
    user_agent_classes.browser,
    purchase_count > 0 as has_purchase,
    purchase_count,
    first_purchase_ts,
    session_number = 1 as is_first_session,
    {{ seconds_between('previous_session_end', 'session_start') }} as seconds_since_previous_session
from sessions_with_previous
inner join user_agent_classes
    on user_agent_classes.user_agent_key = coalesce(sessions_with_previous.user_agent, '')
-- In customer order, so a build writes full row groups: a parallel write leaves one part-filled
-- group per thread, and a small one beside a batch's new rows had that batch's first checkpoint
-- merge and rewrite 244k rows of sessions (scripts/bench/NOTES.md).
order by customer_id, session_number
