{#-
    What DuckDB and PostgreSQL write differently, dispatched on the target's type (dbt's
    adapter.dispatch): every model has one source for both engines. PostgreSQL 16 or later
    (pg_input_is_valid, IS JSON).
-#}

{#- Microseconds since the epoch of a timestamp, as an exact BIGINT. -#}
{%- macro epoch_us(ts) -%}{{ adapter.dispatch('epoch_us')(ts) }}{%- endmacro -%}
{%- macro duckdb__epoch_us(ts) -%}epoch_us({{ ts }}){%- endmacro -%}
{%- macro postgres__epoch_us(ts) -%}(extract(epoch from {{ ts }}) * 1000000)::bigint{%- endmacro -%}

{#- A timestamp as ISO text with microseconds: 2022-05-01T08:00:00.648681 -#}
{%- macro iso_timestamp_us(ts) -%}{{ adapter.dispatch('iso_timestamp_us')(ts) }}{%- endmacro -%}
{%- macro duckdb__iso_timestamp_us(ts) -%}strftime({{ ts }}, '%Y-%m-%dT%H:%M:%S.%f'){%- endmacro -%}
{%- macro postgres__iso_timestamp_us(ts) -%}to_char({{ ts }}, 'YYYY-MM-DD"T"HH24:MI:SS.US'){%- endmacro -%}

{#- A cast that gives NULL instead of an error when the text is not of the type. -#}
{%- macro try_cast(expr, type) -%}{{ adapter.dispatch('try_cast')(expr, type) }}{%- endmacro -%}
{%- macro duckdb__try_cast(expr, type) -%}try_cast({{ expr }} as {{ type }}){%- endmacro -%}
{%- macro postgres__try_cast(expr, type) -%}
    case when pg_input_is_valid({{ expr }}, '{{ type }}') then cast({{ expr }} as {{ type }}) end
{%- endmacro -%}

{#- Whether text is valid JSON (false for NULL). -#}
{%- macro is_valid_json(expr) -%}{{ adapter.dispatch('is_valid_json')(expr) }}{%- endmacro -%}
{%- macro duckdb__is_valid_json(expr) -%}coalesce(json_valid({{ expr }}), false){%- endmacro -%}
{%- macro postgres__is_valid_json(expr) -%}coalesce({{ expr }} is json, false){%- endmacro -%}

{#- The first capture group of a regular expression, NULL or '' when it does not match. -#}
{%- macro regexp_extract(expr, pattern) -%}{{ adapter.dispatch('regexp_extract')(expr, pattern) }}{%- endmacro -%}
{%- macro duckdb__regexp_extract(expr, pattern) -%}regexp_extract({{ expr }}, '{{ pattern }}', 1){%- endmacro -%}
{%- macro postgres__regexp_extract(expr, pattern) -%}substring({{ expr }} from '{{ pattern }}'){%- endmacro -%}

{#- Whether text matches a regular expression, ignoring case. -#}
{%- macro matches_ignoring_case(expr, pattern) -%}{{ adapter.dispatch('matches_ignoring_case')(expr, pattern) }}{%- endmacro -%}
{%- macro duckdb__matches_ignoring_case(expr, pattern) -%}regexp_matches({{ expr }}, '(?i){{ pattern }}'){%- endmacro -%}
{%- macro postgres__matches_ignoring_case(expr, pattern) -%}({{ expr }} ~* '{{ pattern }}'){%- endmacro -%}

{#- Interpolated percentile (median = 0.5) of a numeric expression, as DOUBLE. -#}
{%- macro percentile_cont(expr, fraction) -%}{{ adapter.dispatch('percentile_cont')(expr, fraction) }}{%- endmacro -%}
{%- macro duckdb__percentile_cont(expr, fraction) -%}quantile_cont({{ expr }}, {{ fraction }}){%- endmacro -%}
{%- macro postgres__percentile_cont(expr, fraction) -%}percentile_cont({{ fraction }}) within group (order by {{ expr }}){%- endmacro -%}

{#- A DOUBLE rounded half away from zero to `digits` decimals, still a DOUBLE. -#}
{%- macro round_double(expr, digits) -%}{{ adapter.dispatch('round_double')(expr, digits) }}{%- endmacro -%}
{%- macro duckdb__round_double(expr, digits) -%}round({{ expr }}, {{ digits }}){%- endmacro -%}
{%- macro postgres__round_double(expr, digits) -%}round(({{ expr }})::numeric, {{ digits }})::float8{%- endmacro -%}

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
