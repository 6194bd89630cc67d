{#-
    Exact number of seconds from start_ts to end_ts, as DECIMAL(18, 6): the difference of the
    microsecond epochs, never date_diff (which counts unit boundaries crossed).
-#}
{%- macro seconds_between(start_ts, end_ts) -%}
    cast(cast({{ epoch_us(end_ts) }} - {{ epoch_us(start_ts) }} as decimal(18, 0)) * 0.000001 as decimal(18, 6))
{%- endmacro -%}
