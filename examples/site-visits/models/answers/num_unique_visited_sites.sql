-- The third question: on how many different sites each visitor viewed pages.

select
    visitor_id,
    count(distinct site_url) as num_unique_visited_sites,
from {{ ref('stg_page_views') }}
group by visitor_id
