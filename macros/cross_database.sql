{#-
    What DuckDB, PostgreSQL and Trino write differently, dispatched on the target's type (dbt's
    adapter.dispatch): every model has one source for all engines. PostgreSQL 16 or later
    (pg_input_is_valid, IS JSON). Trino's timestamps are timestamp(6) (the Hive catalog's
    microsecond precision) and its sessions run in UTC (the adapter sends the zone).
-#}

{#- Microseconds since the epoch of a timestamp, as an exact BIGINT. -#}
{%- macro epoch_us(ts) -%}{{ adapter.dispatch('epoch_us')(ts) }}{%- endmacro -%}
{%- macro duckdb__epoch_us(ts) -%}epoch_us({{ ts }}){%- endmacro -%}
{%- macro postgres__epoch_us(ts) -%}(extract(epoch from {{ ts }}) * 1000000)::bigint{%- endmacro -%}
{#- Trino: no microsecond unit in date_diff; whole seconds, plus the fraction's six digits. -#}
{%- macro trino__epoch_us(ts) -%}
    (date_diff('second', timestamp '1970-01-01 00:00:00', date_trunc('second', {{ ts }})) * 1000000
        + cast(substr(cast(cast({{ ts }} as timestamp(6)) as varchar), 21, 6) as bigint))
{%- endmacro -%}

{#- A timestamp as ISO text with microseconds: 2022-05-01T08:00:00.648681 -#}
{%- macro iso_timestamp_us(ts) -%}{{ adapter.dispatch('iso_timestamp_us')(ts) }}{%- endmacro -%}
{%- macro duckdb__iso_timestamp_us(ts) -%}strftime({{ ts }}, '%Y-%m-%dT%H:%M:%S.%f'){%- endmacro -%}
{%- macro postgres__iso_timestamp_us(ts) -%}to_char({{ ts }}, 'YYYY-MM-DD"T"HH24:MI:SS.US'){%- endmacro -%}
{%- macro trino__iso_timestamp_us(ts) -%}replace(cast(cast({{ ts }} as timestamp(6)) as varchar), ' ', 'T'){%- endmacro -%}

{#- The hex MD5 digest of text, lower case. -#}
{%- macro md5_hex(expr) -%}{{ adapter.dispatch('md5_hex')(expr) }}{%- endmacro -%}
{%- macro default__md5_hex(expr) -%}md5({{ expr }}){%- endmacro -%}
{%- macro trino__md5_hex(expr) -%}lower(to_hex(md5(to_utf8({{ expr }})))){%- endmacro -%}

{#- A timestamp with time zone as the UTC timestamp without one. -#}
{%- macro utc_timestamp(tstz) -%}{{ adapter.dispatch('utc_timestamp')(tstz) }}{%- endmacro -%}
{%- macro default__utc_timestamp(tstz) -%}timezone('UTC', {{ tstz }}){%- endmacro -%}
{%- macro trino__utc_timestamp(tstz) -%}cast({{ tstz }} at time zone 'UTC' as timestamp(6)){%- endmacro -%}

{#- `not materialized` after a CTE's `as`: read twice, it is scanned twice instead of being
    copied whole into memory first. Trino always inlines CTEs and has no such hint. -#}
{%- macro not_materialized() -%}{{ adapter.dispatch('not_materialized')() }}{%- endmacro -%}
{%- macro default__not_materialized() -%}not materialized{%- endmacro -%}
{%- macro trino__not_materialized() -%}{%- endmacro -%}

{#- A cast that gives NULL instead of an error when the text is not of the type. -#}
{%- macro try_cast(expr, type) -%}{{ adapter.dispatch('try_cast')(expr, type) }}{%- endmacro -%}
{%- macro duckdb__try_cast(expr, type) -%}try_cast({{ expr }} as {{ type }}){%- endmacro -%}
{%- macro postgres__try_cast(expr, type) -%}
    case when pg_input_is_valid({{ expr }}, '{{ type }}') then cast({{ expr }} as {{ type }}) end
{%- endmacro -%}
{#- Trino: try_cast gives NULL for '2.5' as bigint (DuckDB rounds it: callers compare the text
    back); a 'T' between date and time is read as a space, as DuckDB reads it. -#}
{%- macro trino__try_cast(expr, type) -%}
    {%- set types = {'timestamp': 'timestamp(6)', 'timestamptz': 'timestamp(6) with time zone'} -%}
    {%- if type in types -%}
        try_cast(substr({{ expr }}, 1, 10) || replace(substr({{ expr }}, 11, 1), 'T', ' ') || substr({{ expr }}, 12) as {{ types[type] }})
    {%- else -%}
        try_cast({{ expr }} as {{ type }})
    {%- endif -%}
{%- endmacro -%}

{#- Whether text is valid JSON (false for NULL). -#}
{%- macro is_valid_json(expr) -%}{{ adapter.dispatch('is_valid_json')(expr) }}{%- endmacro -%}
{%- macro duckdb__is_valid_json(expr) -%}coalesce(json_valid({{ expr }}), false){%- endmacro -%}
{%- macro postgres__is_valid_json(expr) -%}coalesce({{ expr }} is json, false){%- endmacro -%}
{%- macro trino__is_valid_json(expr) -%}coalesce(try(json_parse({{ expr }})) is not null, false){%- endmacro -%}

{#- The first capture group of a regular expression, NULL or '' when it does not match. -#}
{%- macro regexp_extract(expr, pattern) -%}{{ adapter.dispatch('regexp_extract')(expr, pattern) }}{%- endmacro -%}
{%- macro duckdb__regexp_extract(expr, pattern) -%}regexp_extract({{ expr }}, '{{ pattern }}', 1){%- endmacro -%}
{%- macro postgres__regexp_extract(expr, pattern) -%}substring({{ expr }} from '{{ pattern }}'){%- endmacro -%}
{%- macro trino__regexp_extract(expr, pattern) -%}regexp_extract({{ expr }}, '{{ pattern }}', 1){%- endmacro -%}

{#- Whether text matches a regular expression, ignoring case. -#}
{%- macro matches_ignoring_case(expr, pattern) -%}{{ adapter.dispatch('matches_ignoring_case')(expr, pattern) }}{%- endmacro -%}
{%- macro duckdb__matches_ignoring_case(expr, pattern) -%}regexp_matches({{ expr }}, '(?i){{ pattern }}'){%- endmacro -%}
{%- macro postgres__matches_ignoring_case(expr, pattern) -%}({{ expr }} ~* '{{ pattern }}'){%- endmacro -%}
{%- macro trino__matches_ignoring_case(expr, pattern) -%}regexp_like({{ expr }}, '(?i){{ pattern }}'){%- endmacro -%}

{#- Interpolated percentile (median = 0.5) of a numeric expression, as DOUBLE. -#}
{%- macro percentile_cont(expr, fraction) -%}{{ adapter.dispatch('percentile_cont')(expr, fraction) }}{%- endmacro -%}
{%- macro duckdb__percentile_cont(expr, fraction) -%}quantile_cont({{ expr }}, {{ fraction }}){%- endmacro -%}
{%- macro postgres__percentile_cont(expr, fraction) -%}percentile_cont({{ fraction }}) within group (order by {{ expr }}){%- endmacro -%}
{#- Trino has only approx_percentile: the exact one from the sorted values, interpolated as
    DuckDB does (lo + (hi - lo) * d at position (n - 1) * fraction). -#}
{%- macro trino__percentile_cont(expr, fraction) -%}
    {%- set at = '(cast(cardinality(v) - 1 as double) * ' ~ fraction ~ ')' -%}
    element_at(transform(
        array[array_sort(array_agg(cast({{ expr }} as double)) filter (where {{ expr }} is not null))],
        v -> case when cardinality(v) > 0 then
            v[cast(floor({{ at }}) as integer) + 1]
            + (v[cast(ceiling({{ at }}) as integer) + 1] - v[cast(floor({{ at }}) as integer) + 1])
            * ({{ at }} - floor({{ at }}))
        end
    ), 1)
{%- endmacro -%}

{#- A DOUBLE rounded half away from zero to `digits` decimals, still a DOUBLE. -#}
{%- macro round_double(expr, digits) -%}{{ adapter.dispatch('round_double')(expr, digits) }}{%- endmacro -%}
{%- macro duckdb__round_double(expr, digits) -%}round({{ expr }}, {{ digits }}){%- endmacro -%}
{%- macro postgres__round_double(expr, digits) -%}round(({{ expr }})::numeric, {{ digits }})::float8{%- endmacro -%}
{%- macro trino__round_double(expr, digits) -%}round({{ expr }}, {{ digits }}){%- endmacro -%}

{#- `value` of the row with the smallest (arg_min) or largest (arg_max) `key` among the rows
    where `condition` holds and value and key are not NULL. -#}
{%- macro arg_min(value, key, condition='true') -%}{{ adapter.dispatch('arg_min')(value, key, condition, 'asc') }}{%- endmacro -%}
{%- macro arg_max(value, key, condition='true') -%}{{ adapter.dispatch('arg_min')(value, key, condition, 'desc') }}{%- endmacro -%}
{%- macro duckdb__arg_min(value, key, condition, direction) -%}
    {{ 'arg_min' if direction == 'asc' else 'arg_max' }}({{ value }}, {{ key }}) filter (where {{ condition }} and {{ value }} is not null)
{%- endmacro -%}
{%- macro postgres__arg_min(value, key, condition, direction) -%}
    (array_agg({{ value }} order by {{ key }} {{ direction }}) filter (where {{ condition }} and {{ value }} is not null and {{ key }} is not null))[1]
{%- endmacro -%}
{#- Trino's min_by/max_by do not skip NULL values: they are filtered out. -#}
{%- macro trino__arg_min(value, key, condition, direction) -%}
    {{ 'min_by' if direction == 'asc' else 'max_by' }}({{ value }}, {{ key }}) filter (where {{ condition }} and {{ value }} is not null and {{ key }} is not null)
{%- endmacro -%}

{#- One of the group's non-NULL values of `expr`, for a column the group's keys determine: grouping
    on it as well would hash it for every row (PostgreSQL 16 and DuckDB: any_value). -#}
{%- macro any_value_of(expr) -%}{{ adapter.dispatch('any_value_of')(expr) }}{%- endmacro -%}
{%- macro default__any_value_of(expr) -%}any_value({{ expr }}){%- endmacro -%}
{%- macro trino__any_value_of(expr) -%}arbitrary({{ expr }}){%- endmacro -%}
