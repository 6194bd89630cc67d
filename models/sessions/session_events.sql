{{ config(
    materialized='incremental',
    incremental_strategy='delete+insert',
    unique_key='event_id'
) }}

-- Each logged-in event with its session. A customer's events are ordered by (event_ts,
-- event_id); a new session starts when the gap to the previous event is greater than
-- var('session_gap_minutes') (default 30) minutes, compared in exact microseconds by the shared
-- sessionize() macro (macros/sessionize.sql). Incrementally, sessionize_incremental()
-- (macros/sessionize_incremental.sql) rewrites each customer with new events from the session
-- they can reach on: the same rows as a full refresh, without reading other customers, and
-- reading their earlier events from this table rather than from all of stg_events. Of those
-- rows, only the ones whose session changed are written again (by event_id): most of a
-- customer's rewritten tail keeps its session, number and gap.
-- depends_on: {{ ref('stg_event_loads') }}

{#- What sessionization carries of stg_events; session_events stores all of them, so an
    incremental build reads the affected customers' earlier events from this table. -#}
{%- set event_columns = ['event_id', 'customer_id', 'event_ts', 'event_type', 'page_path',
    'referrer_url', 'referrer_host', 'product_id', 'user_agent'] %}
{#- What this model derives for each event; a stored row is written again when one changed. -#}
{%- set session_columns = ['session_id', 'session_number', 'event_number_in_session',
    'is_session_start', 'seconds_since_previous_event'] %}

-- read twice on a full build (sessionize's row_key): scanned twice, not copied into memory
with logged_in_events as {{ not_materialized() }} (

    select
        {{ event_columns | join(',\n        ') }},
        record_number
    from {{ ref('stg_events') }}
    where customer_id is not null

),

{% if is_incremental() %}
events_of_this_load as (

    select {{ event_columns | join(', ') }}
    from logged_in_events
    where record_number > {{ lines_before_this_load() }}

),

{% endif %}
events_with_sessions as (

    {{ sessionize_incremental(
        relation='logged_in_events',
        new_rows='events_of_this_load',
        stored=this,
        partition_by='customer_id',
        order_by='event_ts, event_id',
        timestamp='event_ts',
        gap_minutes=var('session_gap_minutes', 30),
        columns=event_columns,
        row_key='event_id',
        stored_columns=session_columns
    ) }}

),

sessionized_events as (

    select
        {{ md5_hex("cast(customer_id as varchar) || '|' || " ~ iso_timestamp_us('session_start')) }} as session_id,
        event_id,
        customer_id,
        session_number,
        event_number - session_first_event_number + 1 as event_number_in_session,
        event_ts,
        event_type,
        is_session_start,
        cast(cast(microseconds_since_previous_event as decimal(18, 0)) * 0.000001 as decimal(18, 6))
            as seconds_since_previous_event,
        {{ is_purchase_event('event_type', var('purchase_event_types', ['PLACED_ORDER'])) }} as is_purchase,
        page_path,
        referrer_url,
        referrer_host,
        product_id,
        user_agent
        {%- if is_incremental() %},
        sessionize_is_stored,
        sessionize_stored_{{ session_columns | join(',\n        sessionize_stored_') }}
        {%- endif %}
    from events_with_sessions

)

select
    session_id,
    event_id,
    customer_id,
    session_number,
    event_number_in_session,
    event_ts,
    event_type,
    is_session_start,
    seconds_since_previous_event,
    is_purchase,
    page_path,
    referrer_url,
    referrer_host,
    product_id,
    user_agent
from sessionized_events
{% if is_incremental() -%}
where not sessionize_is_stored
    {%- for column in session_columns %}
    or {{ column }} is distinct from sessionize_stored_{{ column }}
    {%- endfor %}
{%- endif %}
