-- Table: how complete the fields the category rules and outcomes read are, for CSA offences.
-- A low figure here means a category is undercounted: an offence whose second perpetrator or
-- setting was never recorded falls into single_perpetrator or other_multiple.
SELECT *
FROM (
    SELECT 1 AS measure_order, 'CSA offences with at least one perpetrator identified' AS measure,
           count_if(perpetrators >= 1) AS recorded, count(*) AS total
    FROM offence_category WHERE is_csa
    UNION ALL
    SELECT 2, 'CSA offences with a victim age recorded',
           count_if(victim_ages_recorded > 0), count(*)
    FROM offence_category WHERE is_csa
    UNION ALL
    SELECT 3, 'CSA offences with a setting recorded', count_if(setting IS NOT NULL), count(*)
    FROM offence_category WHERE is_csa
    UNION ALL
    SELECT 4, 'CSA offences with a location type recorded',
           count_if(location_type IS NOT NULL), count(*)
    FROM offence_category WHERE is_csa
    UNION ALL
    SELECT 5, 'Perpetrator party rows of CSA offences with a relationship to the victim',
           coalesce(sum(perpetrator_relationships_recorded), 0),
           coalesce(sum(perpetrator_parties), 0)
    FROM offence_category WHERE is_csa
    UNION ALL
    SELECT 6, 'CSA offences with an outcome assigned', count_if(outcome_type IS NOT NULL), count(*)
    FROM offence_category WHERE is_csa
) AS measures
ORDER BY measure_order
