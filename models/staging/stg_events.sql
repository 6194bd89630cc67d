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

-- not materialized: read twice, the CTE would otherwise be copied whole into memory first;
-- scanning the table twice is cheaper (and streams at any size).
with stageable_records as {{ not_materialized() }} (

    select *
    from {{ ref('stg_events_parsed') }}
    where rejection_reason is null

),

duplicate_ids as (

    select
        event_id,
        is_conflicting
    from {{ ref('stg_events_duplicate_ids') }}

),

single_records as (

    select
        -- the columns of collapsed_duplicates, in its order: the union below matches by position
        {{ staged_event_columns() }},
        record_number,
        cast(1 as bigint) as source_record_count
    from stageable_records
    where not exists (
        select 1 from duplicate_ids where duplicate_ids.event_id = stageable_records.event_id
    )

),

collapsed_duplicates as (

    select
        {{ staged_event_columns() }},
        min(record_number) as record_number,
        count(*) as source_record_count
    from stageable_records
    where event_id in (select event_id from duplicate_ids where not is_conflicting)
    group by
        {{ staged_event_columns() }}

),

distinct_events as (

    select * from single_records
    union all
    select * from collapsed_duplicates

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

