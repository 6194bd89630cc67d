-- The first question: how many sessions each site had.

select
    site_url,
    count(*) as num_sessions,
from {{ ref('sessions') }}
group by site_url
