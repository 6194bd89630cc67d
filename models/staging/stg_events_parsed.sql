{{ config(materialized='table') }}

-- One row per raw record: the record's JSON parsed once (event_record_fields, per engine),
-- typed, and the reason it cannot be staged (null when it can). Duplicate ids are handled
-- downstream (stg_events_duplicate_ids).

with raw_records as (

    select
        record_number,
        raw,
        read_error,
        -- a line the reader could not read is not parsed: its text may be cut or altered
        read_error is null and {{ is_valid_json('raw') }} as is_valid_json
    from {{ ref('raw_events') }}
    -- blank lines are not records (stg_events_reconciliation counts them); ltrim, not trim:
    -- it stops at the first non-space character instead of walking every line to its end
    where read_error is not null or raw is null or ltrim(raw) <> ''

),

record_fields as (

    {{ event_record_fields('raw_records') }}

),

typed_fields as (

    select
        *,
        -- an integer only when the cast gives back the same text (no rounding of 2.5, no "2")
        case when cast({{ try_cast('id_text', 'bigint') }} as varchar) = id_text
            then {{ try_cast('id_text', 'bigint') }} end as event_id,
        case
            when upper(type_text) in ({{ webshop_event_types() }}) then upper(type_text)
            -- tolerate 'Page-View' / 'page view' spellings too
            else replace(replace(upper(trim(type_text)), '-', '_'), ' ', '_')
        end as event_type,
        case
            -- a date and a time are required
            when length(timestamp_text) < 16 or substr(timestamp_text, 11, 1) not in ('T', 't', ' ')
                then null
            -- an explicit zone or offset: convert to UTC
            when substr(timestamp_text, length(timestamp_text)) in ('Z', 'z')
                or strpos(substr(timestamp_text, 12), '+') > 0
                or strpos(substr(timestamp_text, 12), '-') > 0
                then {{ utc_timestamp(try_cast('timestamp_text', 'timestamptz')) }}
            -- no zone: the timestamp is UTC already
            else {{ try_cast('timestamp_text', 'timestamp') }}
        end as event_ts,
        case when cast({{ try_cast('customer_id_text', 'bigint') }} as varchar) = customer_id_text
            then {{ try_cast('customer_id_text', 'bigint') }} end as customer_id,
        {{ try_cast('position_text', 'bigint') }} as position
    from record_fields

),

validated_records as (

    select
        *,
        case
            when read_error is not null then read_error
            when raw is null then 'empty_record'
            when not is_valid_json and trim(raw) = '' then 'empty_record'
            when not is_valid_json then 'invalid_json'
            when id_text is null then 'missing_id'
            -- the id must be an integer: the cast must give back the same text
            when event_id is null or cast(event_id as varchar) <> id_text then 'invalid_id'
            when type_text is null then 'missing_type'
            when event_type not in ({{ webshop_event_types() }}) then 'unknown_type'
            when timestamp_text is null then 'missing_timestamp'
            when event_ts is null then 'invalid_timestamp'
            when customer_id_text is not null
                and (customer_id is null or cast(customer_id as varchar) <> customer_id_text)
                then 'invalid_customer_id'
        end as rejection_reason
    from typed_fields

)

select
    record_number,
    event_id,
    event_type,
    event_ts,
    customer_id,
    user_agent,
    ip,
    page_url,
    case
        when page_url is null then null
        when strpos(page_url, '://') > 0
            then coalesce(
                nullif({{ regexp_extract('page_url', '^[A-Za-z][A-Za-z0-9+.-]*://[^/?#]*([^?#]*)') }}, ''),
                '/'
            )
        else coalesce(nullif({{ regexp_extract('page_url', '^([^?#]*)') }}, ''), '/')
    end as page_path,
    referrer_url,
    nullif(
        regexp_replace(
            lower({{ regexp_extract('referrer_url', '^[A-Za-z][A-Za-z0-9+.-]*://(?:[^@/?#]*@)?([^:/?#]+)') }}),
            '^www\.',
            ''
        ),
        ''
    ) as referrer_host,
    search_query,
    product_id,
    -- a position that is not an integer is dropped (the event itself is kept)
    case when cast(position as varchar) = position_text then position end as position,
    rejection_reason
from validated_records
