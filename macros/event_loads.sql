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
    A fingerprint of the export loaded as raw_events, an aggregate over `alias` (its alias in the
    FROM clause): an order-insensitive aggregate of a hash of each line's (record_number, line_hash),
    so any changed byte of any line, or any line moved, changes it, and the same export gives the
    same one. Hashing the line hashes the load kept, not every typed column again, keeps it off
    the build's critical path (10M lines: 1.5 s before). Null for no rows. 64 bits: a different
    export taken for the last one again (and skipped) is a chance of 2^-64 (per line hash, and
    for the aggregate).
-#}
{%- macro lines_fingerprint(alias) -%}
    {{- adapter.dispatch('lines_fingerprint')(alias) -}}
{%- endmacro -%}
{#-
    Not hash(record_number, line_hash): DuckDB combines a row's hashes by XOR, so under bit_xor
    two lines swapped would cancel out (as they did when every column was hashed); hashing the
    XOR of the two hashes again mixes them.
-#}
{%- macro duckdb__lines_fingerprint(alias) -%}
    cast(bit_xor(hash(xor(hash({{ alias }}.record_number), hash({{ alias }}.line_hash)))) as varchar)
{%- endmacro -%}
{%- macro postgres__lines_fingerprint(alias) -%}
    cast(bit_xor(hashtextextended({{ alias }}.record_number || ' ' || {{ alias }}.line_hash, 0)) as varchar)
{%- endmacro -%}
{#- checksum: Trino's order-insensitive aggregate (an xxhash64 of each value, summed). -#}
{%- macro trino__lines_fingerprint(alias) -%}
    to_hex(checksum(to_big_endian_64({{ alias }}.record_number) || to_big_endian_64({{ alias }}.line_hash)))
{%- endmacro -%}
