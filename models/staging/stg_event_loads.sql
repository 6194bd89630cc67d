{{ config(materialized='incremental', incremental_strategy='append') }}

-- One row per load of the raw_events export. A full refresh loads everything at once (one row);
-- each incremental build loads its export as the records that arrived since, numbered on from
-- the lines loaded before, so record numbers are those of all loads' exports put end to end.

select
    {% if is_incremental() -%}
    (select coalesce(max(load_number), 0) + 1 from {{ this }})
    {%- else -%}
    cast(1 as bigint)
    {%- endif %} as load_number,
    {% if is_incremental() -%}
    (select coalesce(max(lines_before + line_count), 0) from {{ this }})
    {%- else -%}
    cast(0 as bigint)
    {%- endif %} as lines_before,
    count(*) as line_count,
    count(*) filter (where load_error = 'blank_line') as blank_line_count
from {{ ref('raw_events') }}
