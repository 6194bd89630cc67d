{{ config(
    materialized='incremental',
    incremental_strategy='delete+insert',
    unique_key=['user_id', 'page_view_at']
) }}

-- One row per page view with its session: a user's views ordered by (page_view_at, page), a new
-- session when the gap to the previous view is greater than var('session_gap_minutes').
-- The first build (and --full-refresh) sessionizes every page view. Later builds take the views
-- of one window, --vars '{start_time: ..., end_time: ...}' ([start_time, end_time)), as the new
-- ones: each user with a view in it is sessionized again from the session that view can reach
-- (sessionize_incremental), so late views extend or bridge sessions exactly as a full build
-- would. Windows may run in any order, and again.

{% if is_incremental() and (var('start_time', none) is none or var('end_time', none) is none) -%}
    {{ exceptions.raise_compiler_error("sessions: an incremental build needs the batch window: --vars '{start_time: \"2020-02-02 12:00\", end_time: \"2020-02-02 13:00\"}' (or --full-refresh)") }}
{%- endif %}

with page_views as (

    select user_id, page_view_at, page
    from {{ ref('page_views') }}

),

{% if is_incremental() %}
views_in_window as (

    select user_id, page_view_at
    from page_views
    where page_view_at >= '{{ var("start_time") }}'::timestamp
        and page_view_at < '{{ var("end_time") }}'::timestamp

),

{% endif %}
views_with_sessions as (

    {{ sessionize_incremental(
        relation='page_views',
        new_rows='views_in_window',
        stored=this,
        partition_by='user_id',
        order_by='page_view_at, page',
        timestamp='page_view_at',
        gap_minutes=var('session_gap_minutes')
    ) }}

)

select
    md5(user_id::varchar || '|' || {{ iso_timestamp_us('page_view_at') }} || '|' || page)
        as page_view_id,
    user_id,
    page_view_at,
    page,
    md5(user_id::varchar || '|' || {{ iso_timestamp_us('session_start') }}) as session_id,
    session_number,
    session_start,
    is_session_start
from views_with_sessions
