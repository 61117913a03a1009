-- Query `request_candidates`: the closed offences a victim's review request may be about,
-- found two ways, each an identity look-up (the caller logs it in the casework read log):
--   linked_identity  the person's name and date of birth find their person records in the
--                    identity zone; `tessera link`'s child_id finds every other record of
--                    the same person, in any force; each offence where one of them is the
--                    victim is a candidate, with their age at the time
--   crime_reference  the crime reference they gave, in the force they named (or any force)
-- Only closed offences (`closed_case`: an outcome and its date) are candidates. `basis` says
-- which way (or "both") found each.
WITH named_record AS (
    SELECT record_key
    FROM identity.person_record
    WHERE lower(trim(given_name)) = lower(trim($given_name))
        AND lower(trim(family_name)) = lower(trim($family_name))
        AND date_of_birth = $date_of_birth
),

same_person AS (
    SELECT ri.record_key
    FROM record_identity AS ri
    WHERE ri.child_key IN (
        SELECT named.child_key
        FROM record_identity AS named
        INNER JOIN named_record AS n ON n.record_key = named.record_key
    )
),

by_identity AS (
    SELECT
        op.crime_ref_key AS case_key,
        min(op.age_at_offence) AS victim_age
    FROM analysis.offence_party AS op
    INNER JOIN same_person AS s ON s.record_key = op.person_record_id_key
    WHERE op.role = 'victim'
    GROUP BY op.crime_ref_key
),

by_reference AS (
    SELECT io.record_key AS case_key
    FROM identity.offence AS io
    INNER JOIN analysis.offence AS o ON o.record_key = io.record_key
    WHERE $crime_reference IS NOT NULL
        AND upper(trim(io.crime_ref)) = upper(trim($crime_reference))
        AND ($force_code IS NULL OR o.force_code = $force_code)
),

candidate AS (
    SELECT case_key FROM by_identity
    UNION
    SELECT case_key FROM by_reference
)

SELECT
    CASE
        WHEN bi.case_key IS NOT NULL AND br.case_key IS NOT NULL THEN 'both'
        WHEN bi.case_key IS NOT NULL THEN 'linked_identity'
        ELSE 'crime_reference'
    END AS basis,
    cc.force_code,
    io.crime_ref AS crime_reference,
    cc.ho_offence_code,
    cc.outcome_type,
    cc.outcome_group,
    cc.closed_on,
    bi.victim_age,
    cc.suspects
FROM candidate AS c
INNER JOIN closed_case AS cc ON cc.case_key = c.case_key
INNER JOIN identity.offence AS io ON io.record_key = c.case_key
LEFT JOIN by_identity AS bi ON bi.case_key = c.case_key
LEFT JOIN by_reference AS br ON br.case_key = c.case_key
ORDER BY cc.closed_on, io.crime_ref
