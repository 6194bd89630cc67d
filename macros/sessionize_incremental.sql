{#-
    The incremental counterpart of sessionize(): the rows an incremental model must (re)write
    after `new_rows` arrived, sessionized exactly as a full sessionize() of all rows would.

    For each partition with a new row, reprocessing starts at the earliest of its first new row
    and the start of the stored session that ends within the gap before that row (or later):
    a late row can extend that session, bridge it with the next ones, or come before the
    partition's first session. Every row of `relation` in the partition from there on is
    returned, sessionized with the gap and the session numbers carried on from the stored
    sessions before it. Stored sessions before that point are untouched (their rows, ids and
    numbers stay); nothing of partitions without new rows is read or written.

    The calling model replaces what it stored from there: incremental_strategy 'delete+insert'
    with unique_key = the partition columns and `timestamp`. Every stored row from the
    reprocessing start is returned again (same partition and timestamp), so all of them are
    deleted, and sessions merged into one vanish with them. Rows only ever arrive: a row that
    leaves `relation` is not deleted from the model.

      relation        every row, old and new (a relation or CTE name)
      new_rows        the rows that arrived since the last run; needs the partition columns and
                      `timestamp` (and every one of `columns` when they are given). Arriving
                      again is harmless: the same rows are rewritten.
      stored          the model's table ({{ this }}), holding the partition columns, `timestamp`
                      and `session_number` (the column named by stored_session_number)
      partition_by    partition columns, comma-separated
      order_by, timestamp, gap_minutes: as in sessionize()
      row_key         optional, as in sessionize(): the windows sort only the key columns and
                      the other columns join back on it, on full builds and on the affected
                      partitions' tails alike (wide rows: the webshop's 139k-row tail sorted its
                      user agents and URLs twice, 0.34 s; by key, 0.28 s)
      columns         optional list of the columns of `relation` the model uses, all of them also
                      stored in `stored` under the same names. Given, the rows to sessionize
                      again are read from `stored` (the affected partitions' rows from the
                      reprocessing start) and `new_rows` (but those equal to a stored row in
                      every one of `columns`: arrived again), not from `relation`: the model's
                      own table is usually far smaller than its source, and the new rows come
                      from one load. Then `relation` is read on full builds only, and every row
                      of it must have reached `stored` (a model built in the same run as its
                      source does).
      stored_columns  optional, with `columns`: other columns of `stored` (what the model
                      derives, such as its session id and numbers) carried along each stored
                      row as sessionize_stored_<column>, NULL on new rows, with
                      sessionize_is_stored telling the two apart. A model that compares them
                      with what it derives again can write only the rows that changed (most of
                      a rewritten tail is not), replacing them by a row key (unique_key) rather
                      than by partition and time: every row the macro returns is an old row or
                      a new one, so nothing else can need deleting.

    Returns the columns sessionize() returns (only `columns` of `relation` when given), plus
    sessionize_previous_timestamp and sessionize_sessions_before; event_number counts from the
    reprocessing start. On a full build (is_incremental() false) it is sessionize() over every
    row of `relation`, so a model calls this one macro either way (`new_rows` is not read then).
-#}
{%- macro sessionize_incremental(relation, new_rows, stored, partition_by, order_by, timestamp, gap_minutes, stored_session_number='session_number', columns=none, row_key=none, stored_columns=none) -%}
{%- if not is_incremental() -%}
{{ sessionize(
    relation=relation,
    partition_by=partition_by,
    order_by=order_by,
    timestamp=timestamp,
    gap_minutes=gap_minutes,
    row_key=row_key
) }}
{%- else -%}
{%- if stored_columns and not columns -%}
    {{ exceptions.raise_compiler_error("sessionize_incremental(): stored_columns needs columns (the stored rows are read from `stored` only then)") }}
{%- endif -%}
{%- set keys = partition_by.replace(' ', '').split(',') -%}
{%- set key_list = keys | join(', ') -%}
select * from (
    with sessionize_affected as (
        select {{ key_list }}, min({{ timestamp }}) as first_new_timestamp
        from {{ new_rows }}
        group by {{ key_list }}
    ),
    sessionize_stored as (
        select
            {% for key in keys %}stored.{{ key }}, {% endfor %}
            stored.{{ stored_session_number }} as session_number,
            min(stored.{{ timestamp }}) as session_start,
            max(stored.{{ timestamp }}) as session_end
        from {{ stored }} as stored
        where {{ sessionize_in_affected(keys, 'stored') }}
        group by {% for key in keys %}stored.{{ key }}, {% endfor %}stored.{{ stored_session_number }}
    ),
    -- The gap and the order conditions are filters on a join by partition only: as join
    -- conditions they would turn it into a nested-loop join.
    sessionize_start as (
        select
            {% for key in keys %}affected.{{ key }}, {% endfor %}
            least(
                affected.first_new_timestamp,
                coalesce(
                    -- within the gap before the first new row, or after it
                    min(reached.session_start) filter (
                        where {{ epoch_us('affected.first_new_timestamp') }} - {{ epoch_us('reached.session_end') }}
                            <= {{ sessionize_gap_us(gap_minutes) }}
                    ),
                    affected.first_new_timestamp
                )
            ) as reprocess_from
        from sessionize_affected as affected
        left join sessionize_stored as reached
            on {{ sessionize_keys_match(keys, 'affected', 'reached') }}
        group by {% for key in keys %}affected.{{ key }}, {% endfor %}affected.first_new_timestamp
    ),
    sessionize_kept as (
        select
            {% for key in keys %}start.{{ key }}, {% endfor %}
            start.reprocess_from,
            max(kept.session_end) filter (where kept.session_end < start.reprocess_from)
                as previous_timestamp,
            count(kept.session_number) filter (where kept.session_end < start.reprocess_from)
                as sessions_before
        from sessionize_start as start
        left join sessionize_stored as kept
            on {{ sessionize_keys_match(keys, 'start', 'kept') }}
        group by {% for key in keys %}start.{{ key }}, {% endfor %}start.reprocess_from
    ),
    {%- if columns %}
    sessionize_stored_tail as (
        select {% for column in columns %}stored.{{ column }}{{ ', ' if not loop.last }}{% endfor %}
            {%- if stored_columns %},
            {% for column in stored_columns %}stored.{{ column }} as sessionize_stored_{{ column }}, {% endfor %}true as sessionize_is_stored
            {%- endif %}
        from {{ stored }} as stored
        inner join sessionize_kept as kept
            on {{ sessionize_keys_match(keys, 'kept', 'stored') }}
            and stored.{{ timestamp }} >= kept.reprocess_from
        {%- if keys | length == 1 %}
        -- the join's key again, as the IN that DuckDB turns into a Bloom filter on this scan
        where {{ sessionize_in_affected(keys, 'stored') }}
        {%- endif %}
    ),
    sessionize_rows as (
        select * from sessionize_stored_tail
        union all
        select {% for column in columns %}arrived.{{ column }}{{ ', ' if not loop.last }}{% endfor %}
            {%- if stored_columns %},
            {% for column in stored_columns %}null as sessionize_stored_{{ column }}, {% endfor %}false as sessionize_is_stored
            {%- endif %}
        from {{ new_rows }} as arrived
        -- arrived again: the stored row stands for it
        where not exists (
            select 1 from sessionize_stored_tail as stored
            where {% for column in columns %}arrived.{{ column }} is not distinct from stored.{{ column }}{{ ' and ' if not loop.last }}{% endfor %}
        )
    ),
    {%- endif %}
    sessionize_tail as (
        select
            source.*,
            kept.previous_timestamp as sessionize_previous_timestamp,
            kept.sessions_before as sessionize_sessions_before
        from {{ 'sessionize_rows' if columns else relation }} as source
        inner join sessionize_kept as kept
            on {{ sessionize_keys_match(keys, 'kept', 'source') }}
            and source.{{ timestamp }} >= kept.reprocess_from
    )
    {{ sessionize(
        relation='sessionize_tail',
        partition_by=key_list,
        order_by=order_by,
        timestamp=timestamp,
        gap_minutes=gap_minutes,
        previous_timestamp='sessionize_previous_timestamp',
        sessions_before='sessionize_sessions_before',
        row_key=row_key
    ) }}
) as sessionize_incremental
{%- endif -%}
{%- endmacro -%}

{#- The rows of `alias` in a partition with new rows. With one key, an IN whose subquery filters
    (a NULL key matches nothing): DuckDB then pushes a Bloom filter of the affected keys into the
    scan of `alias`'s table, which it does not for a join on the key and the timestamp, nor for
    an unfiltered subquery (the webshop's 3.8M stored session_events rows: 0.24 -> 0.22 s). -#}
{%- macro sessionize_in_affected(keys, alias) -%}
{%- if keys | length == 1 -%}
{{ alias }}.{{ keys[0] }} in (select {{ keys[0] }} from sessionize_affected where {{ keys[0] }} is not null)
{%- else -%}
exists (select 1 from sessionize_affected as affected where {{ sessionize_keys_match(keys, 'affected', alias) }})
{%- endif -%}
{%- endmacro -%}

{%- macro sessionize_keys_match(keys, left, right) -%}
{%- for key in keys %}{{ left }}.{{ key }} = {{ right }}.{{ key }}{{ ' and ' if not loop.last }}{% endfor -%}
{%- endmacro -%}
