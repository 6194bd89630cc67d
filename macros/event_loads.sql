{#- The lines loaded before the current load: records numbered above it arrived in this build. -#}
{%- macro lines_before_this_load() -%}
(select max(lines_before) from {{ ref('stg_event_loads') }})
{%- endmacro -%}
