-- Table (a): CSA offences in England and Wales by category, one row of counts. Categories come
-- from the `offence_category` step; shares are worked out by the Python that shapes the table.
SELECT
    count(*) AS forces,
    coalesce(sum(offences), 0) AS offences,
    coalesce(sum(csa_offences), 0) AS csa_offences,
    coalesce(sum(more_than_one_perpetrator), 0) AS more_than_one_perpetrator,
    coalesce(sum(intra_familial), 0) AS intra_familial,
    coalesce(sum(institutional), 0) AS institutional,
    coalesce(sum(group_based_cse), 0) AS group_based_cse,
    coalesce(sum(other_multiple), 0) AS other_multiple,
    coalesce(sum(single_perpetrator), 0) AS single_perpetrator,
    coalesce(sum(online), 0) AS online,
    coalesce(sum(intra_familial_any), 0) AS intra_familial_any,
    coalesce(sum(institutional_any), 0) AS institutional_any
FROM force_category_counts
