{#-
    Renders a list of values as a comma-separated list of SQL string literals, for `in (...)`:
    sql_string_list(['PLACED_ORDER', 'x']) -> 'PLACED_ORDER', 'x'
    A single string is treated as a one-element list. Quotes are escaped.
    uppercase=true upper-cases each value (event types are compared in upper snake case).
-#}
{%- macro sql_string_list(values, uppercase=false) -%}
    {%- if values is string -%}{%- set values = [values] -%}{%- endif -%}
    {%- for value in values -%}
        '{{ (value | string | upper if uppercase else value | string) | replace("'", "''") }}'
        {%- if not loop.last %}, {% endif -%}
    {%- endfor -%}
{%- endmacro -%}
