{{ config(materialized='view') }}

-- One row per raw record, typed: the raw_events seed parsed, typed and validated each line as
-- it loaded (seeds/raw_events.yml), so this model only names, normalises and derives. Duplicate
-- ids are handled downstream (stg_events_duplicate_ids). A view, not a table: stg_events writes
-- the staged rows once, and the other readers take only a few columns or a few rows. Each part
-- reads the seed's table itself: a CTE read three times would be copied whole into memory first.

-- a few dozen distinct URLs stand behind millions of events: each is parsed once
with page_paths as (

    select
        page as page_url,
        case
            when strpos(page, '://') > 0
                then coalesce(
                    nullif({{ regexp_extract('page', '^[A-Za-z][A-Za-z0-9+.-]*://[^/?#]*([^?#]*)') }}, ''),
                    '/'
                )
            else coalesce(nullif({{ regexp_extract('page', '^([^?#]*)') }}, ''), '/')
        end as page_path
    from (select distinct page from {{ ref('raw_events') }} where page is not null) as pages

),

referrer_hosts as (

    select
        referrer as referrer_url,
        nullif(
            regexp_replace(
                lower({{ regexp_extract('referrer', '^[A-Za-z][A-Za-z0-9+.-]*://(?:[^@/?#]*@)?([^:/?#]+)') }}),
                '^www\.',
                ''
            ),
            ''
        ) as referrer_host
    from (select distinct referrer from {{ ref('raw_events') }} where referrer is not null) as referrers

)

select
    records.record_number,
    records.id as event_id,
    case
        when upper(records.type) in ({{ webshop_event_types() }}) then upper(records.type)
        -- tolerate 'Page-View' / 'page view' spellings too
        else replace(replace(upper(trim(records.type)), '-', '_'), ' ', '_')
    end as event_type,
    records.timestamp as event_ts,
    records.customer_id,
    records.user_agent,
    records.ip,
    records.page as page_url,
    page_paths.page_path,
    records.referrer as referrer_url,
    referrer_hosts.referrer_host,
    records.query as search_query,
    records.product as product_id,
    records.position,
    -- the seed names a type outside the shop's list invalid_type; here it is an unknown type
    case when records.load_error = 'invalid_type' then 'unknown_type' else records.load_error end
        as rejection_reason,
    records.raw
from {{ ref('raw_events') }} as records
left join page_paths on records.page = page_paths.page_url
left join referrer_hosts on records.referrer = referrer_hosts.referrer_url
-- blank lines are not records (stg_events_reconciliation counts them)
where records.load_error is distinct from 'blank_line'
