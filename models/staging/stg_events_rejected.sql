{{ config(materialized='incremental', incremental_strategy='delete+insert', unique_key='record_number') }}

-- Every raw record that cannot be staged, with the raw text and the reason. Nothing is dropped
-- silently: each raw record is either in stg_events (possibly collapsed with its exact
-- duplicates) or here. Incrementally, this load's records are added, numbered on from the
-- lines loaded before (stg_event_loads), and a record of an event loaded before that arrived
-- with other content is rejected as conflicts_with_loaded_event (the loaded event stays). Keyed
-- by record number: a rerun of a load (stg_event_loads) writes its rows again, not twice.
-- depends_on: {{ ref('stg_event_loads') }}, {{ ref('stg_events') }}

with unstageable_records as (

    select
        record_number,
        event_id,
        rejection_reason,
        raw
    from {{ ref('stg_events_parsed') }}
    where rejection_reason is not null

),

conflicting_duplicate_records as (

    select
        record_number,
        event_id,
        'conflicting_duplicate_id' as rejection_reason,
        raw
    from {{ ref('stg_events_parsed') }}
    where rejection_reason is null
        and event_id in (
            select event_id
            from {{ ref('stg_events_duplicate_ids') }}
            where is_conflicting
        )

),

{% if is_incremental() %}
this_load_events as (

    select
        {{ staged_event_columns() }},
        record_number,
        raw
    from {{ ref('stg_events_parsed') }}
    where rejection_reason is null
        and event_id not in (
            select event_id
            from {{ ref('stg_events_duplicate_ids') }}
            where is_conflicting
        )

),

-- Only an id loaded before can conflict: stg_events staged each id new to this load from this
-- load's own records (numbered above the lines loaded before), which agree on every staged
-- column. So only the few ids this load repeats are looked up among the 10M loaded events.
earlier_load_events as (

    select *
    from this_load_events
    where event_id not in (
        select event_id
        from {{ ref('stg_events') }}
        where record_number > {{ lines_before_this_load() }}
            and event_id is not null
    )

),

-- stg_events holds one row per event id: a record arrived with other content than was loaded
-- when its id's row there differs (found by id alone, and read whole only for those ids, as in
-- stg_events).
loaded_conflict_records as (

    select
        earlier_load_events.record_number,
        earlier_load_events.event_id,
        'conflicts_with_loaded_event' as rejection_reason,
        earlier_load_events.raw
    from earlier_load_events
    inner join (
        select {{ staged_event_columns() }}
        from {{ ref('stg_events') }}
        where {{ adapter.dispatch('loaded_rows_of')(ref('stg_events'), 'earlier_load_events') }}
    ) as loaded
        on loaded.event_id = earlier_load_events.event_id
    where {{ staged_event_differs('earlier_load_events', 'loaded') }}

),

{% endif %}
rejected_records as (

    select * from unstageable_records
    union all
    select * from conflicting_duplicate_records
    {% if is_incremental() %}
    union all
    select * from loaded_conflict_records
    {% endif %}

)

select
    record_number
    {%- if is_incremental() %} + {{ lines_before_this_load() }}{% endif %} as record_number,
    event_id,
    rejection_reason,
    raw
from rejected_records
