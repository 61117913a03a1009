-- Step `offence_category`: one row per offence in the warehouse, with the facts the audit rules
-- read, the result of each rule and the category it ends in.
--
-- This is the ONE place the audit's category rules live: every audit table and
-- `tessera audit --explain` read this step, so what is counted and what is explained cannot
-- drift apart. The rules (also printed from tessera.analysis.audit.rules.RULES):
--   CSA offence       the Home Office code is sexual AND (it identifies a child victim OR any
--                     victim party was under 18 at the offence). Only these are counted; any
--                     other offence gets the category not_csa.
--   perpetrators      distinct person records among parties whose role is a perpetrator role
--                     (reference.party_role.perpetrator = 'yes': suspect, offender).
--                     A record of an unidentified suspect counts; `named_perpetrators` counts
--                     only the records of a person the force holds a nominal id for.
--   more than one     2 or more perpetrators; then the first of these that matches wins:
--     intra_familial  any perpetrator's relationship_to_victim is family_member, or setting family
--     institutional   any perpetrator in a position_of_trust, or setting institution, or
--                     location_type school or care_home
--     group_based_cse cse_flag, or Home Office code 71 (IICSA organised network: two or more
--                     people acting together in the sexual exploitation of children)
--     other_multiple  none of the above
--   single_perpetrator one perpetrator, or none identified
--   online (overlaps) online_flag, or setting online, or location_type online
-- Sub-rules are evaluated for every offence (so --explain can show them) but only decide the
-- category when there is more than one perpetrator.
WITH party_facts AS (
    SELECT
        op.crime_ref_key,
        count(DISTINCT op.person_record_id_key) FILTER (WHERE op.role = 'victim') AS victims,
        count(*) FILTER (WHERE op.role = 'victim' AND op.age_at_offence IS NOT NULL)
            AS victim_ages_recorded,
        list(op.age_at_offence ORDER BY op.age_at_offence)
            FILTER (WHERE op.role = 'victim' AND op.age_at_offence IS NOT NULL) AS victim_ages,
        coalesce(bool_or(op.role = 'victim' AND op.age_at_offence < 18), false)
            AS victim_under_18,
        count(DISTINCT op.person_record_id_key) FILTER (WHERE r.perpetrator = 'yes')
            AS perpetrators,
        count(DISTINCT op.person_record_id_key) FILTER (
            WHERE r.perpetrator = 'yes' AND pr.police_person_id_key IS NOT NULL
        ) AS named_perpetrators,
        coalesce(bool_or(op.role = 'victim' AND pr.sex IN ('F', 'M')), false)
            AS victim_sex_recorded,
        count(*) FILTER (WHERE r.perpetrator = 'yes') AS perpetrator_parties,
        count(*) FILTER (WHERE r.perpetrator = 'yes' AND op.relationship_to_victim IS NOT NULL)
            AS perpetrator_relationships_recorded,
        list(coalesce(op.relationship_to_victim, 'not recorded')
             ORDER BY op.relationship_to_victim NULLS LAST)
            FILTER (WHERE r.perpetrator = 'yes') AS perpetrator_relationships,
        coalesce(bool_or(r.perpetrator = 'yes'
                         AND op.relationship_to_victim = 'family_member'), false)
            AS perpetrator_family_member,
        coalesce(bool_or(r.perpetrator = 'yes'
                         AND op.relationship_to_victim = 'position_of_trust'), false)
            AS perpetrator_position_of_trust
    FROM analysis.offence_party AS op
    LEFT JOIN reference.party_role AS r ON r.code = op.role
    LEFT JOIN analysis.person_record AS pr ON pr.record_key = op.person_record_id_key
    GROUP BY op.crime_ref_key
),

facts AS (
    SELECT
        o.record_key,
        o.agency_code,
        o.force_code,
        o.ho_offence_code,
        coalesce(c.sexual = 'yes', false) AS code_sexual,
        coalesce(c.child_identifiable = 'yes', false) AS code_child_identifiable,
        coalesce(p.victims, 0) AS victims,
        coalesce(p.victim_ages_recorded, 0) AS victim_ages_recorded,
        coalesce(p.victim_ages, []) AS victim_ages,
        coalesce(p.victim_under_18, false) AS victim_under_18,
        coalesce(p.perpetrators, 0) AS perpetrators,
        coalesce(p.named_perpetrators, 0) AS named_perpetrators,
        coalesce(p.victim_sex_recorded, false) AS victim_sex_recorded,
        coalesce(p.perpetrator_parties, 0) AS perpetrator_parties,
        coalesce(p.perpetrator_relationships_recorded, 0) AS perpetrator_relationships_recorded,
        coalesce(p.perpetrator_relationships, []) AS perpetrator_relationships,
        coalesce(p.perpetrator_family_member, false) AS perpetrator_family_member,
        coalesce(p.perpetrator_position_of_trust, false) AS perpetrator_position_of_trust,
        o.setting,
        o.location_type,
        coalesce(o.cse_flag, false) AS cse_flag,
        coalesce(o.online_flag, false) AS online_flag,
        o.outcome_type,
        o.investigation_status
    FROM analysis.offence AS o
    LEFT JOIN reference.offence_codes AS c ON c.code = o.ho_offence_code
    LEFT JOIN party_facts AS p ON p.crime_ref_key = o.record_key
),

rules AS (
    SELECT
        *,
        code_sexual AND (code_child_identifiable OR victim_under_18) AS is_csa,
        perpetrators >= 2 AS more_than_one_perpetrator,
        perpetrator_family_member OR coalesce(setting = 'family', false) AS rule_intra_familial,
        perpetrator_position_of_trust
            OR coalesce(setting = 'institution', false)
            OR coalesce(location_type IN ('school', 'care_home'), false) AS rule_institutional,
        cse_flag OR coalesce(ho_offence_code = '71', false) AS rule_group_based_cse,
        online_flag
            OR coalesce(setting = 'online', false)
            OR coalesce(location_type = 'online', false) AS rule_online
    FROM facts
)

SELECT
    *,
    CASE
        WHEN NOT is_csa THEN 'not_csa'
        WHEN NOT more_than_one_perpetrator THEN 'single_perpetrator'
        WHEN rule_intra_familial THEN 'intra_familial'
        WHEN rule_institutional THEN 'institutional'
        WHEN rule_group_based_cse THEN 'group_based_cse'
        ELSE 'other_multiple'
    END AS category,
    is_csa AND rule_online AS is_online
FROM rules
