{{ config(materialized='table') }}

-- Each logged-in event with its session. A customer's events are ordered by (event_ts,
-- event_id); a new session starts when the gap to the previous event is greater than
-- var('session_gap_minutes') (default 30) minutes, compared in exact microseconds.

with logged_in_events as (

    select
        event_id,
        customer_id,
        event_ts,
        event_type,
        page_path,
        referrer_url,
        referrer_host,
        product_id,
        user_agent
    from {{ ref('stg_events') }}
    where customer_id is not null

),

events_with_gaps as (

    select
        *,
        row_number() over customer_timeline as customer_event_number,
        {{ epoch_us('event_ts') }} - {{ epoch_us('lag(event_ts) over customer_timeline') }}
            as microseconds_since_previous_event
    from logged_in_events
    window customer_timeline as (partition by customer_id order by event_ts, event_id)

),

events_with_session_starts as (

    select
        *,
        microseconds_since_previous_event is null
            or microseconds_since_previous_event > {{ var('session_gap_minutes', 30) }} * 60 * 1000000
            as is_session_start
    from events_with_gaps

),

events_with_sessions as (

    select
        *,
        sum(is_session_start::integer) over customer_timeline as session_number,
        max(case when is_session_start then event_ts end) over customer_timeline as session_start,
        max(case when is_session_start then customer_event_number end) over customer_timeline
            as session_first_event_number
    from events_with_session_starts
    window customer_timeline as (
        partition by customer_id
        order by event_ts, event_id
        rows between unbounded preceding and current row
    )

)

select
    md5(customer_id::varchar || '|' || {{ iso_timestamp_us('session_start') }}) as session_id,
    event_id,
    customer_id,
    session_number,
    customer_event_number - session_first_event_number + 1 as event_number_in_session,
    event_ts,
    event_type,
    is_session_start,
    (microseconds_since_previous_event::decimal(18, 0) * 0.000001)::decimal(18, 6)
        as seconds_since_previous_event,
    {{ is_purchase_event('event_type', var('purchase_event_types', ['PLACED_ORDER'])) }} as is_purchase,
    page_path,
    referrer_url,
    referrer_host,
    product_id,
    user_agent
from events_with_sessions
