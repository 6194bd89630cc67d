{#-
    The columns of a staged event, in one order. stg_events lists them four times (the union of
    single and collapsed records matches by position, and duplicates collapse by grouping on all
    of them): one list keeps those in step.
-#}
{% macro staged_event_columns() -%}
event_id,
        event_type,
        event_ts,
        customer_id,
        user_agent,
        ip,
        page_url,
        page_path,
        referrer_url,
        referrer_host,
        search_query,
        product_id,
        position
{%- endmacro %}
