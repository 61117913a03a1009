-- Table: how complete the fields the category rules, profiles and outcomes read are, for CSA
-- offences. A low figure here means a category is undercounted: an offence whose second
-- perpetrator or setting was never recorded falls into single_perpetrator or other_multiple.
-- Every measure is over all CSA offences, so an offence with no victim record counts as
-- missing its victim's age and sex, and one with only an unidentified suspect's record has a
-- suspect record but no named perpetrator. `reads` says which tables the field feeds; the
-- offence categories' notes repeat the measures the categories read.
SELECT measure, reads, recorded, total
FROM (
    SELECT 1 AS measure_order, 'CSA offences with at least one suspect or offender record'
               AS measure,
           'categories' AS reads, count_if(perpetrators >= 1) AS recorded, count(*) AS total
    FROM offence_category WHERE is_csa
    UNION ALL
    SELECT 2, 'CSA offences with at least one named perpetrator (a police nominal record)',
           'categories', count_if(named_perpetrators >= 1), count(*)
    FROM offence_category WHERE is_csa
    UNION ALL
    SELECT 3, 'CSA offences with a victim record', 'profiles', count_if(victims >= 1), count(*)
    FROM offence_category WHERE is_csa
    UNION ALL
    SELECT 4, 'CSA offences with a victim age recorded', 'categories',
           count_if(victim_ages_recorded > 0), count(*)
    FROM offence_category WHERE is_csa
    UNION ALL
    SELECT 5, 'CSA offences with a victim sex recorded', 'profiles',
           count_if(victim_sex_recorded), count(*)
    FROM offence_category WHERE is_csa
    UNION ALL
    SELECT 6, 'CSA offences with a setting recorded', 'categories',
           count_if(setting IS NOT NULL), count(*)
    FROM offence_category WHERE is_csa
    UNION ALL
    SELECT 7, 'CSA offences with a location type recorded', 'categories',
           count_if(location_type IS NOT NULL), count(*)
    FROM offence_category WHERE is_csa
    UNION ALL
    SELECT 8, 'Perpetrator party rows of CSA offences with a relationship to the victim',
           'categories', coalesce(sum(perpetrator_relationships_recorded), 0),
           coalesce(sum(perpetrator_parties), 0)
    FROM offence_category WHERE is_csa
    UNION ALL
    SELECT 9, 'CSA offences with an outcome assigned', 'outcomes',
           count_if(outcome_type IS NOT NULL), count(*)
    FROM offence_category WHERE is_csa
) AS measures
ORDER BY measure_order
