{{ config(materialized='table') }}

-- Every raw record that cannot be staged, with the raw text and the reason. Nothing is dropped
-- silently: each raw record is either in stg_events (possibly collapsed with its exact
-- duplicates) or here.

with unstageable_records as (

    select
        record_number,
        event_id,
        rejection_reason
    from {{ ref('stg_events_parsed') }}
    where rejection_reason is not null

),

conflicting_duplicate_records as (

    select
        record_number,
        event_id,
        'conflicting_duplicate_id' as rejection_reason
    from {{ ref('stg_events_parsed') }}
    where rejection_reason is null
        and event_id in (
            select event_id
            from {{ ref('stg_events_duplicate_ids') }}
            where is_conflicting
        )

),

rejected_records as (

    select * from unstageable_records
    union all
    select * from conflicting_duplicate_records

)

select
    rejected_records.record_number,
    rejected_records.event_id,
    rejected_records.rejection_reason,
    raw_events.raw
from rejected_records
inner join {{ ref('raw_events') }} as raw_events
    on raw_events.record_number = rejected_records.record_number
