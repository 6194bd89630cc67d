-- Page views with their time as a TIMESTAMP (UTC), the type sessionize() compares.

select
    visitor_id,
    site_url,
    page_view_url,
    viewed_at_epoch,
    make_timestamp(viewed_at_epoch * 1000000) as viewed_at,
from {{ source('site_visits', 'page_views') }}
