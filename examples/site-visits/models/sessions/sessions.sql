-- One row per session: the page views of one visitor to one site whose successive views are
-- at most var('session_gap_minutes') apart (a greater gap starts a new session), cut by the
-- sessionize() macro the webshop project uses too.

with page_views_in_sessions as (

    {{ sessionize(
        relation=ref('stg_page_views'),
        partition_by='site_url, visitor_id',
        order_by='viewed_at, page_view_url',
        timestamp='viewed_at',
        gap_minutes=var('session_gap_minutes', 30)
    ) }}

)

select
    site_url,
    visitor_id,
    session_number::bigint as session_number,
    min(viewed_at) as session_start,
    max(viewed_at) as session_end,
    count(*) as page_views,
    -- last view - first view, whole seconds as in the files; 0 for a single view
    max(viewed_at_epoch) - min(viewed_at_epoch) as session_length_seconds,
from page_views_in_sessions
group by site_url, visitor_id, session_number
