{#- The export raw_events reads, named in messages about it: seeds/raw_events.yml's path (which
    spells out var() itself, so a wrong path's error can name the var that set it). -#}
{%- macro events_path() -%}{{ var('events_path', 'seeds/raw_events.ndjson.gz') }}{%- endmacro -%}

{#- The lines loaded before the current load: records numbered above it arrived in this build. -#}
{%- macro lines_before_this_load() -%}
(select max(lines_before) from {{ ref('stg_event_loads') }})
{%- endmacro -%}

{#-
    Whether stg_events took the current (last) load already: a build that failed after
    stg_events and is run again on the same export must not count its records twice. Null (a
    unit test's given without the column) reads as not taken.
-#}
{%- macro this_load_staged() -%}
coalesce((
    select staged from {{ ref('stg_event_loads') }}
    where load_number = (select max(load_number) from {{ ref('stg_event_loads') }})
), false)
{%- endmacro -%}

{#-
    stg_events' post_hook: its incremental batch and the mark that it took the load commit in
    one transaction, so a rerun of the load knows exactly whether its records are counted.
-#}
{%- macro mark_load_staged() -%}
{%- if is_incremental() -%}
update {{ ref('stg_event_loads') }} set staged = true
where load_number = (select max(load_number) from {{ ref('stg_event_loads') }})
{%- endif -%}
{%- endmacro -%}

{#-
    A fingerprint of the rows of `relation`, an aggregate over `alias` (its alias in the FROM
    clause; every column, the record number among them): two exports with the same
    fingerprint give every model the same rows. Null for no rows. 64 bits: a different export
    taken for the last one again (and skipped) is a chance of 2^-64.
-#}
{%- macro rows_fingerprint(relation, alias) -%}
    {{- adapter.dispatch('rows_fingerprint')(relation, alias) -}}
{%- endmacro -%}
{%- macro duckdb__rows_fingerprint(relation, alias) -%}cast(bit_xor(hash({{ alias }})) as varchar){%- endmacro -%}
{%- macro postgres__rows_fingerprint(relation, alias) -%}
    cast(bit_xor(hashtextextended(cast({{ alias }} as text), 0)) as varchar)
{%- endmacro -%}
{#- Trino names no row by its alias: every column of the relation, listed (needs `execute`). -#}
{%- macro trino__rows_fingerprint(relation, alias) -%}
    {%- set columns = adapter.get_columns_in_relation(relation) | map(attribute='quoted') | list -%}
    {%- if columns | length > 0 %}
    to_hex(checksum(json_format(cast(row({{ columns | join(', ') }}) as json))))
    {%- else %}
    {#- a relation not built yet (a unit test's shape): only the column's type matters #}
    cast(null as varchar)
    {%- endif %}
{%- endmacro -%}
