{{ config(materialized='table') }}

-- One row reconciling the raw records with their outcome: every raw record is either staged
-- (alone or collapsed with its exact duplicates) or rejected.

with raw_record_counts as (

    select count(*) as raw_record_count
    from {{ ref('raw_events') }}

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
    raw_record_counts.raw_record_count,
    staged_counts.staged_event_count,
    staged_counts.staged_record_count,
    staged_counts.staged_record_count - staged_counts.staged_event_count as collapsed_duplicate_record_count,
    rejected_counts.rejected_record_count
from raw_record_counts
cross join staged_counts
cross join rejected_counts
