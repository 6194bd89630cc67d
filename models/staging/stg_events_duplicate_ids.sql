{{ config(materialized='table') }}

-- One row per event id carried by more than one stageable record. The records of an id are
-- exact duplicates when they agree on every staged column (they collapse to one event), and
-- conflicting when they do not (all of them are rejected: there is no telling which is right).

-- The seed keeps the raw text of every loaded line whose id is on more than one loaded line
-- (keep_raw_for_duplicates_of: id, found while it loads): those lines are the only candidates,
-- so the 10M stageable records are not grouped by id here. The filter on `raw` reaches the
-- seed's table through the view, so only those lines are typed and derived. Without that
-- setting no id would be found duplicated, and stg_events' unique test on event_id would fail
-- the build.
with stageable_records as (

    select *
    from {{ ref('stg_events_parsed') }}
    where rejection_reason is null
        and raw is not null

),

duplicated_ids as (

    select
        event_id,
        count(*) as record_count,
        min(record_number) as first_record_number
    from stageable_records
    group by event_id
    having count(*) > 1

),

distinct_versions as (

    select distinct
        event_id,
        event_type,
        event_ts,
        customer_id,
        user_agent,
        ip,
        page_url,
        referrer_url,
        search_query,
        product_id,
        position
    from stageable_records
    where event_id in (select event_id from duplicated_ids)

)

select
    duplicated_ids.event_id,
    duplicated_ids.record_count,
    duplicated_ids.first_record_number,
    count(*) as version_count,
    count(*) > 1 as is_conflicting
from duplicated_ids
inner join distinct_versions on distinct_versions.event_id = duplicated_ids.event_id
group by duplicated_ids.event_id, duplicated_ids.record_count, duplicated_ids.first_record_number
