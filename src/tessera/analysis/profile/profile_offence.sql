-- Step `profile_offence`: the CSA offences of every force recorded in the profile's period
-- ($date_from to $date_to, inclusive), with the audit's category (`offence_category`, the one
-- place the rules live) and the dates the trend and timeliness read. A profile is of one
-- force, but every query counts all forces at once and the service splits the rows, so the
-- national picture and 44 profiles cost one pass each: each offence is here twice, once under
-- its force and once under 'national' (England and Wales), so people, medians and distinct
-- counts of the national profile are counted as such, never summed from forces.
WITH in_period AS (
SELECT
    oc.record_key,
    oc.force_code,
    oc.category,
    oc.category = 'group_based_cse' AS group_based,
    oc.cse_flag,
    oc.ho_offence_code,
    oc.perpetrators,
    oc.named_perpetrators,
    oc.is_online,
    oc.location_type,
    oc.setting,
    oc.outcome_type,
    o.recorded_date,
    o.outcome_date,
    o.lsoa
FROM offence_category AS oc
JOIN analysis.offence AS o ON o.record_key = oc.record_key
WHERE oc.is_csa AND o.recorded_date BETWEEN $date_from AND $date_to
)

SELECT force_code, record_key, category, group_based, cse_flag, ho_offence_code, perpetrators,
    named_perpetrators, is_online, location_type, setting, outcome_type, recorded_date, outcome_date,
    lsoa
FROM in_period
UNION ALL
SELECT 'national' AS force_code, record_key, category, group_based, cse_flag, ho_offence_code, perpetrators,
    named_perpetrators, is_online, location_type, setting, outcome_type, recorded_date, outcome_date,
    lsoa
FROM in_period
