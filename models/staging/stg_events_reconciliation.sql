{{ config(materialized='table') }}

-- One row reconciling the raw file with its outcome: every line is a blank line or a record,
-- and every record is either staged (alone or collapsed with its exact duplicates) or rejected.
-- Counted over every load (stg_event_loads): incremental builds add up to a full refresh.

with raw_line_counts as (

    select
        cast(sum(line_count) as bigint) as line_count,
        cast(sum(blank_line_count) as bigint) as blank_line_count
    from {{ ref('stg_event_loads') }}

),

staged_counts as (

    select
        count(*) as staged_event_count,
        coalesce(sum(source_record_count), 0) as staged_record_count
    from {{ ref('stg_events') }}

),

rejected_counts as (

    select count(*) as rejected_record_count
    from {{ ref('stg_events_rejected') }}

)

select
    raw_line_counts.line_count,
    raw_line_counts.blank_line_count,
    raw_line_counts.line_count - raw_line_counts.blank_line_count as raw_record_count,
    staged_counts.staged_event_count,
    staged_counts.staged_record_count,
    staged_counts.staged_record_count - staged_counts.staged_event_count as collapsed_duplicate_record_count,
    rejected_counts.rejected_record_count
from raw_line_counts
cross join staged_counts
cross join rejected_counts
