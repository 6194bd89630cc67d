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
