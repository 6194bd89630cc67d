{#-
    Fails when more than max_share of the raw records were rejected (default: the var
    max_rejected_share, else 1%): a few bad records warn through stg_events_rejected's own test,
    an export that is mostly (or wholly) unreadable stops the build.
-#}
{% test rejected_share(model, max_share=none) %}
{%- set share = max_share if max_share is not none else var('max_rejected_share', 0.01) %}
select
    rejected_record_count,
    raw_record_count,
    {{ share }} as max_rejected_share,
from {{ model }}
where rejected_record_count > {{ share }} * raw_record_count
{% endtest %}
