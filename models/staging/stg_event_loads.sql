{{ config(materialized='incremental', incremental_strategy='append', on_schema_change='append_new_columns') }}

-- One row per load of the raw_events export. A full refresh loads everything at once (one row);
-- each incremental build loads its export as the records that arrived since, numbered on from
-- the lines loaded before, so record numbers are those of all loads' exports put end to end.
--
-- A build on the export of the last load again (same lines: same fingerprint) is a rerun of that
-- load, not a new one: no row is added, and the incremental models apply the load again, which
-- changes nothing a completed run applied and completes one that failed part-way (stg_events
-- skips a load it took already: `staged`, set by its post_hook). An export without lines adds
-- no load; one without records stops a full refresh and warns in an incremental build.
--
-- The fingerprint is of the lines (record number, line hash), since the upgrade that added
-- raw_events.line_hash; before, it was of every typed column. So the first build after that
-- upgrade, on the export of the last load again, does not recognise it: it is taken as a new
-- load (as an export equal to an older load's is), whose records count as repeats of the
-- events loaded (source_record_count up, no new event, record numbers moved on). Run the first
-- build after the upgrade on a new export, or with --full-refresh. The old formula is not kept
-- for that one comparison: it would be code every later build carries for one build.

{%- if execute %}
    {%- set counted = run_query(
        "select count(*) from " ~ ref('raw_events') ~ " where load_error is distinct from 'blank_line'"
    ) %}
    {%- if counted.rows[0][0] == 0 %}
        {%- if is_incremental() %}
            {{- exceptions.warn('0 new events in ' ~ events_path() ~ ': every table stays as it was') }}
        {%- else %}
            {{- exceptions.raise_compiler_error(
                '0 events in ' ~ events_path() ~ ': a full build needs an export with events'
                ~ ' (an empty window goes to an incremental build, which warns and changes nothing)'
            ) }}
        {%- endif %}
    {%- endif %}
{%- endif %}

with this_export as (

    select
        count(*) as line_count,
        count(*) filter (where load_error = 'blank_line') as blank_line_count,
        {{ lines_fingerprint('raw_events') }} as export_fingerprint
    from {{ ref('raw_events') }} as raw_events

)

{% if is_incremental() %}
select
    (select max(load_number) + 1 from {{ this }}) as load_number,
    (select max(lines_before + line_count) from {{ this }}) as lines_before,
    line_count,
    blank_line_count,
    export_fingerprint,
    false as staged
from this_export
where line_count > 0
    and export_fingerprint is distinct from (
        select export_fingerprint from {{ this }}
        where load_number = (select max(load_number) from {{ this }})
    )
{% else %}
select
    cast(1 as bigint) as load_number,
    cast(0 as bigint) as lines_before,
    line_count,
    blank_line_count,
    export_fingerprint,
    -- stg_events is rebuilt from this export in the same build.
    true as staged
from this_export
{% endif %}
