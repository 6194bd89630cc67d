{#-
    The fields of each raw record, parsed once: ids, customer ids and positions as their JSON text
    (a string keeps its quotes) so that a value of the wrong type is caught downstream instead of
    being silently cast or nulled; the others as text. NULL fields for invalid JSON.
-#}
{%- macro event_record_fields(records) -%}{{ adapter.dispatch('event_record_fields')(records) }}{%- endmacro -%}

{#- DuckDB: one json_transform into a struct per record. -#}
{%- macro duckdb__event_record_fields(records) -%}
    select
        record_number,
        raw,
        read_error,
        is_valid_json,
        record.id::varchar as id_text,
        record.type as type_text,
        record.event."user-agent" as user_agent,
        record.event.ip as ip,
        record.event."customer-id"::varchar as customer_id_text,
        record.event."timestamp" as timestamp_text,
        record.event.page as page_url,
        record.event.referrer as referrer_url,
        record.event.query as search_query,
        record.event.product as product_id,
        record.event."position"::varchar as position_text
    from (
        select
            record_number,
            raw,
            read_error,
            is_valid_json,
            json_transform(
                case when is_valid_json then raw end,
                '{
                    "id": "JSON",
                    "type": "VARCHAR",
                    "event": {
                        "user-agent": "VARCHAR",
                        "ip": "VARCHAR",
                        "customer-id": "JSON",
                        "timestamp": "VARCHAR",
                        "page": "VARCHAR",
                        "referrer": "VARCHAR",
                        "query": "VARCHAR",
                        "product": "VARCHAR",
                        "position": "JSON"
                    }
                }'
            ) as record
        from {{ records }}
    ) as parsed_records
{%- endmacro -%}

{#- PostgreSQL: jsonb, parsed once per record (plain json would re-parse on every ->). -#}
{%- macro postgres__event_record_fields(records) -%}
    select
        record_number,
        raw,
        read_error,
        is_valid_json,
        {{ _jsonb_text('record', "'id'") }} as id_text,
        record ->> 'type' as type_text,
        record -> 'event' ->> 'user-agent' as user_agent,
        record -> 'event' ->> 'ip' as ip,
        {{ _jsonb_text("record -> 'event'", "'customer-id'") }} as customer_id_text,
        record -> 'event' ->> 'timestamp' as timestamp_text,
        record -> 'event' ->> 'page' as page_url,
        record -> 'event' ->> 'referrer' as referrer_url,
        record -> 'event' ->> 'query' as search_query,
        record -> 'event' ->> 'product' as product_id,
        {{ _jsonb_text("record -> 'event'", "'position'") }} as position_text
    from (
        select
            record_number,
            raw,
            read_error,
            is_valid_json,
            case when is_valid_json then raw::jsonb end as record
        from {{ records }}
    ) as parsed_records
{%- endmacro -%}

{#- A member's JSON text, NULL when it is absent or JSON null (as DuckDB's JSON type gives). -#}
{%- macro _jsonb_text(object, key) -%}
    case when jsonb_typeof({{ object }} -> {{ key }}) <> 'null' then ({{ object }} -> {{ key }})::text end
{%- endmacro -%}

{#- Trino: each field read by its JSON path from the record's text (keys match case-sensitively,
    as in DuckDB; a path through a value that is not an object gives NULL). -#}
{%- macro trino__event_record_fields(records) -%}
    select
        record_number,
        raw,
        read_error,
        is_valid_json,
        {{ _trino_json('record', '$.id') }} as id_text,
        {{ _trino_json_text('record', '$.type') }} as type_text,
        {{ _trino_json_text('record', '$.event["user-agent"]') }} as user_agent,
        {{ _trino_json_text('record', '$.event.ip') }} as ip,
        {{ _trino_json('record', '$.event["customer-id"]') }} as customer_id_text,
        {{ _trino_json_text('record', '$.event["timestamp"]') }} as timestamp_text,
        {{ _trino_json_text('record', '$.event.page') }} as page_url,
        {{ _trino_json_text('record', '$.event.referrer') }} as referrer_url,
        {{ _trino_json_text('record', '$.event.query') }} as search_query,
        {{ _trino_json_text('record', '$.event.product') }} as product_id,
        {{ _trino_json('record', '$.event["position"]') }} as position_text
    from (
        select
            record_number,
            raw,
            read_error,
            is_valid_json,
            case when is_valid_json then raw end as record
        from {{ records }}
    ) as parsed_records
{%- endmacro -%}

{#- The JSON text of the value at `path`, NULL when it is absent or JSON null. -#}
{%- macro _trino_json(json, path) -%}
    nullif(json_format(json_extract({{ json }}, '{{ path }}')), 'null')
{%- endmacro -%}

{#- The value at `path` as DuckDB reads one into VARCHAR: a string's own text, other values'
    JSON text, NULL when absent or JSON null. -#}
{%- macro _trino_json_text(json, path) -%}
    coalesce(json_extract_scalar({{ json }}, '{{ path }}'), {{ _trino_json(json, path) }})
{%- endmacro -%}
