{{ config(materialized='table') }}

-- How many sessions does a customer have before the session in which they first buy?
-- Over customers who purchased: first purchase session number - 1 (0 = bought in the first
-- session). Customers who never purchased are not counted. Medians and percentiles are
-- interpolated (quantile_cont): with an even count the median is the mean of the middle two.

with customers as (

    select
        customer_id,
        has_purchased,
        sessions_before_first_purchase
    from {{ ref('customer_journeys') }}

),

purchasers as (

    select sessions_before_first_purchase
    from customers
    where has_purchased

),

purchaser_distribution as (

    select
        count(*) as customers_counted,
        {{ percentile_cont('sessions_before_first_purchase', 0.5) }} as median_sessions_before_first_purchase,
        {{ round_double('avg(sessions_before_first_purchase)', 2) }} as mean_sessions_before_first_purchase,
        {{ percentile_cont('sessions_before_first_purchase', 0.25) }} as p25_sessions_before_first_purchase,
        {{ percentile_cont('sessions_before_first_purchase', 0.75) }} as p75_sessions_before_first_purchase,
        {{ percentile_cont('sessions_before_first_purchase', 0.9) }} as p90_sessions_before_first_purchase,
        count(*) filter (where sessions_before_first_purchase = 0) as customers_buying_in_first_session
    from purchasers

),

all_customers as (

    select count(*) as customers_total
    from customers

)

select
    purchaser_distribution.median_sessions_before_first_purchase,
    purchaser_distribution.customers_counted,
    all_customers.customers_total,
    purchaser_distribution.mean_sessions_before_first_purchase,
    purchaser_distribution.p25_sessions_before_first_purchase,
    purchaser_distribution.p75_sessions_before_first_purchase,
    purchaser_distribution.p90_sessions_before_first_purchase,
    purchaser_distribution.customers_buying_in_first_session
from purchaser_distribution
cross join all_customers
