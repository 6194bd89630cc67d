{{ config(materialized='table') }}

-- One row of invariants of the sessionization, each a count that the data tests compare:
-- every logged-in staged event is in exactly one session, no gap inside a session is greater
-- than the threshold, consecutive sessions are more than the threshold apart, session numbers
-- run 1..n per customer. That no event is in two sessions is session_events' unique test on
-- event_id, which a batch checks on its own rows: counting distinct ids here as well read all
-- of session_events into a 16M-slot table on every build.

with logged_in_events as (

    select count(*) as logged_in_event_count
    from {{ ref('stg_events') }}
    where customer_id is not null

),

session_event_counts as (

    select
        count(*) as session_event_count,
        count(*) filter (
            where not is_session_start
                and seconds_since_previous_event > {{ sessionize_gap_seconds(var('session_gap_minutes', 30)) }}
        ) as gaps_over_threshold_inside_sessions,
        count(*) filter (
            where is_session_start
                and seconds_since_previous_event <= {{ sessionize_gap_seconds(var('session_gap_minutes', 30)) }}
        ) as session_starts_within_threshold
    from {{ ref('session_events') }}

),

session_counts as (

    select
        count(*) as session_count,
        coalesce(sum(event_count), 0) as events_in_sessions,
        count(*) filter (
            where seconds_since_previous_session <= {{ sessionize_gap_seconds(var('session_gap_minutes', 30)) }}
        ) as sessions_within_threshold_of_previous
    from {{ ref('sessions') }}

),

customer_session_numbers as (

    select
        customer_id,
        min(session_number) as first_session_number,
        max(session_number) as last_session_number,
        count(distinct session_number) as distinct_session_numbers,
        count(*) as session_count
    from {{ ref('sessions') }}
    group by customer_id

),

session_number_gaps as (

    select
        count(*) filter (
            where first_session_number <> 1
                or last_session_number <> session_count
                or distinct_session_numbers <> session_count
        ) as customers_with_non_contiguous_session_numbers
    from customer_session_numbers

)

select
    logged_in_events.logged_in_event_count,
    session_event_counts.session_event_count,
    session_counts.events_in_sessions,
    session_counts.session_count,
    session_event_counts.gaps_over_threshold_inside_sessions,
    session_event_counts.session_starts_within_threshold,
    session_counts.sessions_within_threshold_of_previous,
    session_number_gaps.customers_with_non_contiguous_session_numbers
from logged_in_events
cross join session_event_counts
cross join session_counts
cross join session_number_gaps
