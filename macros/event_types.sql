{#-
    The event types the shop emits, in upper snake case: the only types stg_events accepts.
    Keep in sync with the accepted_values tests in models/staging/stg_events.yml.
-#}
{%- macro webshop_event_types() -%}
    'PAGE_VIEW', 'ADD_PRODUCT_TO_CART', 'REMOVE_PRODUCT_FROM_CART', 'SIGN_UP_SUCCESS',
    'VISIT_RELATED_PRODUCT', 'VISIT_RECENTLY_VISITED_PRODUCT', 'VISIT_PERSONAL_RECOMMENDATION',
    'SEARCH', 'PLACED_ORDER'
{%- endmacro -%}

{#-
    True when the event type counts as a purchase: var('purchase_event_types'), a list of event
    types (case-insensitive), default ['PLACED_ORDER'].
-#}
{%- macro is_purchase_event(event_type_column, purchase_event_types) -%}
    {{ event_type_column }} in ({{ sql_string_list(purchase_event_types, uppercase=true) }})
{%- endmacro -%}
