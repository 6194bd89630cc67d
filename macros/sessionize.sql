{#-
    Sessionization shared by every project in this repository (the webshop, examples/site-visits
    and examples/pageviews through their `macro-paths`): the rows of `relation` with the session
    each belongs to. Rows are ordered per `partition_by` by `order_by`; a row starts a session
    when it is the partition's first or when the gap to the previous row's `timestamp` is
    greater than `gap_minutes`, compared in exact microseconds as BIGINT against a DECIMAL gap,
    so any positive number of minutes works (45 * 60 * 1000000 no longer overflows a 32-bit
    integer).

    Adds to every column of `relation`:
      event_number                      1, 2, … within the partition (within `relation`)
      microseconds_since_previous_event NULL for the partition's first row
      is_session_start
      session_number                    1, 2, … within the partition
      session_start                     `timestamp` of the session's first row
      session_first_event_number        event_number of the session's first row

    `relation` may hold only the tail of each partition (sessionize_incremental does): then
    `previous_timestamp` names its column with the timestamp of the partition's row before the
    tail (NULL when there is none) and `sessions_before` its column with the number of sessions
    before the tail, so the gap and the session numbers carry on across the cut.

    `row_key`, optional: a column unique in `relation`. Given, the two window passes sort only
    the keys (the partition columns, `timestamp`, `row_key` and the two carried-over columns
    above), and the other columns of `relation` join back on `row_key`: a sort moves every
    column it carries, a hash join on one key is cheaper for wide rows. `order_by` may then use
    only those key columns, and `relation` is read twice (a CTE wants `not_materialized()`).
-#}
{%- macro sessionize(relation, partition_by, order_by, timestamp, gap_minutes, previous_timestamp=none, sessions_before=none, row_key=none) -%}
{%- if gap_minutes is not number or gap_minutes <= 0 -%}
    {{ exceptions.raise_compiler_error("sessionize(): gap_minutes must be a positive number of minutes, got '" ~ gap_minutes ~ "'") }}
{%- endif -%}
{%- if row_key -%}
{%- set key_columns = partition_by ~ ', ' ~ timestamp ~ ', ' ~ row_key
    ~ (', ' ~ previous_timestamp if previous_timestamp else '')
    ~ (', ' ~ sessions_before if sessions_before else '') -%}
select
    sessionize_rows.*,
    sessionize_keys.event_number,
    sessionize_keys.microseconds_since_previous_event,
    sessionize_keys.is_session_start,
    sessionize_keys.session_number,
    sessionize_keys.session_start,
    sessionize_keys.session_first_event_number
from {{ relation }} as sessionize_rows
inner join (
    {{ sessionize(
        relation='(select ' ~ key_columns ~ ' from ' ~ relation ~ ') as sessionize_key_rows',
        partition_by=partition_by,
        order_by=order_by,
        timestamp=timestamp,
        gap_minutes=gap_minutes,
        previous_timestamp=previous_timestamp,
        sessions_before=sessions_before
    ) }}
) as sessionize_keys
    on sessionize_keys.{{ row_key }} = sessionize_rows.{{ row_key }}
{%- else -%}
{%- set previous = 'lag(' ~ timestamp ~ ') over timeline' -%}
{%- if previous_timestamp -%}
    {%- set previous = 'coalesce(' ~ previous ~ ', ' ~ previous_timestamp ~ ')' -%}
{%- endif -%}
select
    *,
    -- BIGINT: a sum of integers is HUGEINT in DuckDB, whose bit-packed columns are slow to read
    cast(
        {% if sessions_before -%}
        {{ sessions_before }} +
        {% endif -%}
        sum(cast(is_session_start as integer)) over session_so_far
    as bigint) as session_number,
    max(case when is_session_start then {{ timestamp }} end) over session_so_far as session_start,
    max(case when is_session_start then event_number end) over session_so_far
        as session_first_event_number
from (
    select
        *,
        microseconds_since_previous_event is null
            or microseconds_since_previous_event > {{ sessionize_gap_us(gap_minutes) }}
            as is_session_start
    from (
        select
            *,
            row_number() over timeline as event_number,
            {{ epoch_us(timestamp) }} - {{ epoch_us(previous) }}
                as microseconds_since_previous_event
        from {{ relation }}
        window timeline as (partition by {{ partition_by }} order by {{ order_by }})
    ) as numbered
) as started
window session_so_far as (
    partition by {{ partition_by }}
    order by {{ order_by }}
    rows between unbounded preceding and current row
)
{%- endif -%}
{%- endmacro -%}

{#- The session gap in exact microseconds, as a DECIMAL (no 32-bit overflow). -#}
{%- macro sessionize_gap_us(gap_minutes) -%}
cast({{ gap_minutes }} as decimal(38, 9)) * 60000000
{%- endmacro -%}

{#-
    The session gap for comparing a whole number of microseconds held as seconds in a
    DECIMAL(18, 6) column (session_events.seconds_since_previous_event): the gap's microseconds
    rounded down, so `column > gap` and `column <= gap` cut exactly where sessionize() does.
    Of that column's type, so the column is compared as it is stored: against the DECIMAL(38, 9)
    gap, DuckDB widened each of 3.8M values to a 128-bit decimal first (0.11 of 0.27 s).
-#}
{%- macro sessionize_gap_seconds(gap_minutes) -%}
cast(floor({{ sessionize_gap_us(gap_minutes) }}) * 0.000001 as decimal(18, 6))
{%- endmacro -%}
