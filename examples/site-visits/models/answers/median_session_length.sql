-- The second question: each site's median session length in seconds (the mean of the two
-- middle sessions when there is an even number, as the original answers computed it).

select
    site_url,
    median(session_length_seconds) as median_session_length,
from {{ ref('sessions') }}
group by site_url
