-- Step `force_category_counts`: offences per force and category. Every force that supplied any
-- offence appears (with zeros if none is CSA), so a zero means "none recorded", never "no data".
-- The national table is the sum of this one, so the two always agree.
SELECT
    force_code,
    count(*) AS offences,
    count_if(is_csa) AS csa_offences,
    count_if(is_csa AND more_than_one_perpetrator) AS more_than_one_perpetrator,
    count_if(category = 'intra_familial') AS intra_familial,
    count_if(category = 'institutional') AS institutional,
    count_if(category = 'group_based_cse') AS group_based_cse,
    count_if(category = 'other_multiple') AS other_multiple,
    count_if(category = 'single_perpetrator') AS single_perpetrator,
    count_if(is_online) AS online,
    -- Beside the categories, which need more than one perpetrator: every CSA offence within the
    -- family, or in an institution, whatever the number of perpetrators (these two overlap).
    count_if(is_csa AND rule_intra_familial) AS intra_familial_any,
    count_if(is_csa AND rule_institutional) AS institutional_any
FROM offence_category
GROUP BY force_code
