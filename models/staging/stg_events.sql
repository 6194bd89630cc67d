{{ config(
    materialized='incremental',
    incremental_strategy='delete+insert',
    unique_key='event_id',
    post_hook="{{ mark_load_staged() }}"
) }}

-- One typed row per distinct event. Exact duplicate records collapse to one row; records that
-- cannot be staged (and every record of a conflicting duplicate id) are in stg_events_rejected.
-- Incrementally, this load's events are added; an event loaded before that arrives again
-- unchanged only counts its records (source_record_count); one that arrives with other content
-- keeps its loaded row, and the new records are rejected (stg_events_rejected).
-- depends_on: {{ ref('stg_event_loads') }}

-- One pass: an event id on one record keeps it; the records of an exact duplicate id agree on
-- every staged column, so the first of them (stg_events_duplicate_ids.first_record_number)
-- stands for all; a conflicting id keeps none (stg_events_rejected has its records).
with distinct_events as (

    select
        {{ staged_event_columns() }},
        records.record_number,
        coalesce(duplicate_ids.record_count, 1) as source_record_count
    from {{ ref('stg_events_parsed') }} as records
    -- renamed: the staged columns name event_id unqualified
    left join (
        select
            event_id as duplicate_id,
            record_count,
            first_record_number,
            is_conflicting
        from {{ ref('stg_events_duplicate_ids') }}
    ) as duplicate_ids
        on duplicate_ids.duplicate_id = records.event_id
    where records.rejection_reason is null
        and (
            duplicate_ids.duplicate_id is null
            or (not duplicate_ids.is_conflicting and records.record_number = duplicate_ids.first_record_number)
        )

)

{% if is_incremental() %}
,

this_load_events as (

    select
        {{ staged_event_columns() }},
        record_number + {{ lines_before_this_load() }} as record_number,
        source_record_count
    from distinct_events
    -- A rerun of a load taken already (its build failed further on) counts nothing again.
    where not {{ this_load_staged() }}

),

versions as (

    {{ staged_event_versions('this_load_events', this) }}

)

select
    {{ staged_event_columns() }},
    record_number,
    source_record_count
from versions
where version_count = 1
{% else %}
select
    {{ staged_event_columns() }},
    record_number,
    source_record_count
from distinct_events
{% endif %}

